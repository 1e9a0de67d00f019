// branch: branches, DDI 0487 C4.1.93 / C6.2:
// B.cond for all 16 conditions (including AL and NV) under each of the 16 NZCV combinations, with
// forward and backward targets; CBZ/CBNZ (W and X: a W test ignores the upper half); TBZ/TBNZ on
// bits 0, 31, 32, 63; B/BL (link value), BR, BLR (also BLR X30, which reads the target before
// writing the link), RET (X30 and another register); loops closed by backward branches; targets
// 64 KiB away in both directions.
// Expected values: ConditionHolds() of the Arm ARM (each CHECK after a B.cond table holds one bit
// per NZCV value 0..15, set when the branch is taken), confirmed on qemu-system-aarch64.
        .include "common.inc"
        GUEST_ENTRY

main:
// ---- B.cond: every condition under every NZCV combination (forward branches) ----------------
        mov     x0, #0
        SET_NZCV 0b0000
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.eq    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xf0f0             // eq
        mov     x0, #0
        SET_NZCV 0b0000
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.ne    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x0f0f             // ne
        mov     x0, #0
        SET_NZCV 0b0000
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.cs    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xcccc             // cs
        mov     x0, #0
        SET_NZCV 0b0000
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.cc    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x3333             // cc
        mov     x0, #0
        SET_NZCV 0b0000
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.mi    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xff00             // mi
        mov     x0, #0
        SET_NZCV 0b0000
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.pl    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x00ff             // pl
        mov     x0, #0
        SET_NZCV 0b0000
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.vs    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xaaaa             // vs
        mov     x0, #0
        SET_NZCV 0b0000
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.vc    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x5555             // vc
        mov     x0, #0
        SET_NZCV 0b0000
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.hi    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x0c0c             // hi
        mov     x0, #0
        SET_NZCV 0b0000
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.ls    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xf3f3             // ls
        mov     x0, #0
        SET_NZCV 0b0000
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.ge    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xaa55             // ge
        mov     x0, #0
        SET_NZCV 0b0000
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.lt    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x55aa             // lt
        mov     x0, #0
        SET_NZCV 0b0000
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.gt    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0x0a05             // gt
        mov     x0, #0
        SET_NZCV 0b0000
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.le    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xf5fa             // le
        mov     x0, #0
        SET_NZCV 0b0000
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.al    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xffff             // al
        mov     x0, #0
        SET_NZCV 0b0000
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x1
2:
        SET_NZCV 0b0001
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x2
2:
        SET_NZCV 0b0010
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x4
2:
        SET_NZCV 0b0011
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x8
2:
        SET_NZCV 0b0100
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x10
2:
        SET_NZCV 0b0101
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x20
2:
        SET_NZCV 0b0110
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x40
2:
        SET_NZCV 0b0111
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x80
2:
        SET_NZCV 0b1000
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x100
2:
        SET_NZCV 0b1001
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x200
2:
        SET_NZCV 0b1010
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x400
2:
        SET_NZCV 0b1011
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x800
2:
        SET_NZCV 0b1100
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x1000
2:
        SET_NZCV 0b1101
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x2000
2:
        SET_NZCV 0b1110
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x4000
2:
        SET_NZCV 0b1111
        b.nv    1f
        b       2f
1:      orr     x0, x0, #0x8000
2:
        CHECK   x0, 0xffff             // nv
// ---- B.cond backwards: the same table with the target before the branch -----------------------
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.eq    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.eq    1b
2:
        CHECK   x0, 0xf0f0             // eq
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.ne    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.ne    1b
2:
        CHECK   x0, 0x0f0f             // ne
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.cs    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.cs    1b
2:
        CHECK   x0, 0xcccc             // cs
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.cc    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.cc    1b
2:
        CHECK   x0, 0x3333             // cc
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.mi    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.mi    1b
2:
        CHECK   x0, 0xff00             // mi
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.pl    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.pl    1b
2:
        CHECK   x0, 0x00ff             // pl
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.vs    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.vs    1b
2:
        CHECK   x0, 0xaaaa             // vs
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.vc    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.vc    1b
2:
        CHECK   x0, 0x5555             // vc
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.hi    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.hi    1b
2:
        CHECK   x0, 0x0c0c             // hi
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.ls    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.ls    1b
2:
        CHECK   x0, 0xf3f3             // ls
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.ge    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.ge    1b
2:
        CHECK   x0, 0xaa55             // ge
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.lt    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.lt    1b
2:
        CHECK   x0, 0x55aa             // lt
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.gt    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.gt    1b
2:
        CHECK   x0, 0x0a05             // gt
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.le    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.le    1b
2:
        CHECK   x0, 0xf5fa             // le
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.al    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.al    1b
2:
        CHECK   x0, 0xffff             // al
        mov     x0, #0
        SET_NZCV 0b0000
        b       3f
1:      orr     x0, x0, #0x1
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0001
        b       3f
1:      orr     x0, x0, #0x2
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0010
        b       3f
1:      orr     x0, x0, #0x4
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0011
        b       3f
1:      orr     x0, x0, #0x8
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0100
        b       3f
1:      orr     x0, x0, #0x10
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0101
        b       3f
1:      orr     x0, x0, #0x20
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0110
        b       3f
1:      orr     x0, x0, #0x40
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b0111
        b       3f
1:      orr     x0, x0, #0x80
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1000
        b       3f
1:      orr     x0, x0, #0x100
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1001
        b       3f
1:      orr     x0, x0, #0x200
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1010
        b       3f
1:      orr     x0, x0, #0x400
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1011
        b       3f
1:      orr     x0, x0, #0x800
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1100
        b       3f
1:      orr     x0, x0, #0x1000
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1101
        b       3f
1:      orr     x0, x0, #0x2000
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1110
        b       3f
1:      orr     x0, x0, #0x4000
        b       2f
3:      b.nv    1b
2:
        SET_NZCV 0b1111
        b       3f
1:      orr     x0, x0, #0x8000
        b       2f
3:      b.nv    1b
2:
        CHECK   x0, 0xffff             // nv

// ---- CBZ / CBNZ ------------------------------------------------------------------------------------
        mov     x1, #0
        mov     x2, #0x100000000        // zero in the low 32 bits only
        mov     x3, #1
        mov     x0, #0
        cbz     x1, 1f
        b       2f
1:      orr     x0, x0, #1
2:      cbz     x2, 1f
        b       2f
1:      orr     x0, x0, #2
2:      cbz     w2, 1f
        b       2f
1:      orr     x0, x0, #4
2:      cbnz    x2, 1f
        b       2f
1:      orr     x0, x0, #8
2:      cbnz    w2, 1f
        b       2f
1:      orr     x0, x0, #16
2:      cbnz    w3, 1f
        b       2f
1:      orr     x0, x0, #32
2:      cbnz    x1, 1f
        b       2f
1:      orr     x0, x0, #64
2:      cbz     w3, 1f
        b       2f
1:      orr     x0, x0, #128
2:      CHECK   x0, 0x2d

// ---- TBZ / TBNZ ------------------------------------------------------------------------------------
        ldr     x1, =0x8000000180000001 // bits 0, 31, 32, 63 set
        mvn     x2, x1                  // ... and clear
        mov     x0, #0
        tbnz    x1, #0, 1f
        b       2f
1:      orr     x0, x0, #0x1
2:      tbnz    w1, #31, 1f
        b       2f
1:      orr     x0, x0, #0x2
2:      tbnz    x1, #32, 1f
        b       2f
1:      orr     x0, x0, #0x4
2:      tbnz    x1, #63, 1f
        b       2f
1:      orr     x0, x0, #0x8
2:      tbz     x2, #0, 1f
        b       2f
1:      orr     x0, x0, #0x10
2:      tbz     w2, #31, 1f
        b       2f
1:      orr     x0, x0, #0x20
2:      tbz     x2, #32, 1f
        b       2f
1:      orr     x0, x0, #0x40
2:      tbz     x2, #63, 1f
        b       2f
1:      orr     x0, x0, #0x80
2:      tbz     x1, #63, 1f             // not taken from here on
        b       2f
1:      orr     x0, x0, #0x100
2:      tbnz    x2, #32, 1f
        b       2f
1:      orr     x0, x0, #0x200
2:      tbz     w1, #0, 1f
        b       2f
1:      orr     x0, x0, #0x400
2:      tbnz    x1, #1, 1f
        b       2f
1:      orr     x0, x0, #0x800
2:      CHECK   x0, 0xff
        mov     x0, #0                  // backward TBNZ/CBNZ closing a loop
        mov     x3, #10
1:      add     x0, x0, #3
        sub     x3, x3, #1
        tbz     x3, #63, 1b             // until x3 becomes negative: 11 iterations
        CHECK   x0, 33
        mov     x3, #100
        mov     x0, #0
1:      add     x0, x0, x3
        sub     x3, x3, #1
        cbnz    x3, 1b
        CHECK   x0, 5050
        mov     x3, #7
        mov     x0, #1
1:      lsl     x0, x0, #1
        subs    x3, x3, #1
        b.ne    1b
        CHECK   x0, 128

// ---- B / BL / BR / BLR / RET -----------------------------------------------------------------------
        mov     x0, #0
        b       1f
        orr     x0, x0, #1              // skipped
1:      bl      sub_add4
bl_ret:
        adr     x4, bl_ret
        CHECK_EQ x30, x4
        CHECK   x0, 4
        adr     x5, sub_add4
        blr     x5
blr_ret:
        adr     x4, blr_ret
        CHECK_EQ x30, x4
        CHECK   x0, 8
        adr     x30, sub_add4           // BLR X30: target read before the link is written
        blr     x30
blr30_ret:
        adr     x4, blr30_ret
        CHECK_EQ x30, x4
        CHECK   x0, 12
        adr     x6, br_target
        br      x6
        mov     x0, #0                  // skipped
br_target:
        CHECK   x0, 12
        adr     x7, ret_target
        ret     x7                      // RET to a register other than X30
        mov     x0, #0                  // skipped
ret_target:
        CHECK   x0, 12
        bl      far_fwd                 // 64 KiB forward and back
far_fwd_ret:
        CHECK   x0, 0x1234
        adr     x4, far_fwd_ret
        CHECK_EQ x30, x4
        b       pass

sub_add4:
        add     x0, x0, #4
        ret

far_back:
        movz    x0, #0x1234
        b.al    far_back_ret            // back by about 64 KiB with B.cond
        .skip   0x10000
far_fwd:
        b       far_back
far_back_ret:
        cbz     x0, 1f
        ret
1:      b       pass

        GUEST_END branch
