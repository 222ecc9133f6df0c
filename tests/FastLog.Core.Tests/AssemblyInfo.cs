// The machine has two cores and these tests pin threads to them: running test classes in
// parallel would only make the thread-level checks (idle CPU, spinning producers) noisier.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
