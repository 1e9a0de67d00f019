// bench_mpi_far: bench_mpi with the result buffer 1 MiB after the source buffer, so that the two
// streams of the loop fall in the same set of a 256-set TLB (the pages differ by a multiple of
// 256): a direct-mapped data TLB misses on every access, a 2-way one keeps both. The same source
// as bench_mpi (testdata/bench_mpi.S, whose header describes it) with FAR set: same loop and
// instruction count; the result buffer starts zeroed instead of filled, hence another checksum
// (confirmed on qemu-system-aarch64).
        .set    FAR, 1
        .include "bench_mpi.S"
