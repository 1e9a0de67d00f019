// slowline: prints "slowline: start middle end\n" in three pieces with a busy wait of 50000 loop
// iterations (100000 instructions, ten bootemu quanta) before each of the last two, waits again,
// prints "slowline: next line\n" and powers off. For `--expect`, which ends the run at the end of
// the console line that completed the last marker: `--expect start` must give the whole first
// line and nothing of the second (tests/cli.rs).
        .include "common.inc"
        GUEST_ENTRY

main:
        SAY     "slowline: start"
        bl      wait
        SAY     " middle"
        bl      wait
        SAY     " end\n"
        bl      wait
        SAY     "slowline: next line\n"
        b       pass

// wait: 50000 iterations of a two-instruction loop (clobbers x3).
wait:
        movz    x3, #50000
1:      subs    x3, x3, #1
        b.ne    1b
        ret

        GUEST_END slowline
