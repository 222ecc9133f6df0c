#!/usr/bin/env bash
# Builds FastLog's release artifacts in artifacts/package/ (or --out DIR):
#   fastlog-<version>-linux-x64.tar.gz   self-contained `fastlog` (no .NET needed), server.properties
#                                        and the systemd unit, for any x64 Linux with glibc
#   fastlog_<version>_amd64.deb          the same for Debian/Ubuntu: /usr/lib/fastlog/fastlog,
#                                        /etc/fastlog/server.properties (conffile), a `fastlog` system
#                                        user, /var/lib/fastlog, the systemd unit (deploy/)
# The binary is Native AOT by default (a tenth of the size, serving in a tenth of the time at a third
# of the idle RSS: README, "Deploying on bare metal"); building it needs a C toolchain (clang, or gcc)
# for the ILCompiler's link step (zlib comes with .NET). --single-file publishes the JIT variant
# instead (runtime and IL in one file; building it needs only the .NET SDK).
# Usage: scripts/package.sh [--single-file] [--version V] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/package"
# Debian versions must start with a digit: 0.<commits on main> until the first tagged release.
version="0.$(git -C "$root" rev-list --count HEAD 2>/dev/null || echo 0)"
variant=aot
while [ $# -gt 0 ]; do
  case "$1" in
    --single-file) variant=single-file; shift ;;
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: scripts/package.sh [--single-file] [--version V] [--out DIR]" >&2; exit 2 ;;
  esac
done

publish="$out/publish"
rm -rf "$out"
mkdir -p "$out"
if [ "$variant" = aot ]; then
  # Warnings are errors here too: a trim or AOT warning (reflection, JSON without a source-generated
  # context) fails the package instead of shipping a binary that may fail at run time.
  variant_args=(-p:PublishAot=true)
else
  variant_args=(--self-contained -p:PublishSingleFile=true)
fi
echo "package: publishing the self-contained linux-x64 fastlog $version ($variant)"
if ! log=$(dotnet publish "$root/src/FastLog.Host/FastLog.Host.csproj" -c Release -r linux-x64 "${variant_args[@]}" \
    -p:Version="$version" -o "$publish" --nologo 2>&1); then
  echo "$log" >&2
  exit 1
fi

# The tarball: one directory, the binary and what a service needs.
name="fastlog-$version"
tree="$out/tar/$name"
mkdir -p "$tree/bin" "$tree/config" "$tree/systemd"
install -m 755 "$publish/fastlog" "$tree/bin/fastlog"
install -m 644 "$root/deploy/config/server.properties" "$tree/config/server.properties"
install -m 644 "$root/deploy/systemd/fastlog.service" "$tree/systemd/fastlog.service"
tar -C "$out/tar" --owner=0 --group=0 -czf "$out/$name-linux-x64.tar.gz" "$name"

# The .deb, with Debian's own dpkg-deb.
stage="$out/deb"
install -D -m 755 "$publish/fastlog" "$stage/usr/lib/fastlog/fastlog"
mkdir -p "$stage/usr/bin"
ln -s ../lib/fastlog/fastlog "$stage/usr/bin/fastlog"
install -D -m 644 "$root/deploy/config/server.properties" "$stage/etc/fastlog/server.properties"
install -D -m 644 "$root/deploy/systemd/fastlog.service" "$stage/lib/systemd/system/fastlog.service"
install -D -m 644 "$root/deploy/debian/conffiles" "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 755 "$root/deploy/debian/$script" "$stage/DEBIAN/$script"
done
installed_kib=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
# The shared libraries the binary links (libc6 >= the newest glibc symbol it uses; the single-file
# variant also needs libstdc++6 and libgcc-s1), as Debian's dpkg-shlibdeps computes them. It wants a
# source tree's debian/control, which this build has none of: an empty one in a scratch directory.
shlibs_dir=$(mktemp -d)
mkdir "$shlibs_dir/debian"
touch "$shlibs_dir/debian/control"
shlibs=$(cd "$shlibs_dir" && dpkg-shlibdeps -O "$stage/usr/lib/fastlog/fastlog" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shlibs_dir"
[ -n "$shlibs" ] || { echo "package: dpkg-shlibdeps found no library dependencies of fastlog" >&2; exit 1; }
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_KIB@/$installed_kib/" -e "s/@SHLIBS_DEPENDS@/$shlibs/" \
  "$root/deploy/debian/control.in" > "$stage/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/fastlog_${version}_amd64.deb" >/dev/null

if command -v systemd-analyze >/dev/null; then
  # Checks the unit's syntax and directives; the binary it names exists only once installed.
  systemd-analyze verify "$root/deploy/systemd/fastlog.service" 2>&1 | grep -v "/usr/lib/fastlog/fastlog" || true
fi

rm -rf "$out/tar" "$stage"
ls -l "$out"/*.tar.gz "$out"/*.deb | awk '{printf "package: %s (%.1f MB)\n", $9, $5 / 1e6}'
