/*
 * Our own x86 test loader (a firmware for `bootemu run --firmware` on the x86 machine) and its
 * broken variants: it is handed the kernel the way bootemu hands a firmware its kernel
 * (boot/src/x86/firmware.rs: entered through PVH, EBX = hvm_start_info, module 0 the kernel
 * file, module 1 the initrd, cmdline_paddr the command line) and boots it as a simple loader
 * would, so that bootemu judges someone else's handoff at the kernel's first instruction.
 *
 * bzImage path (Linux Documentation/arch/x86/boot.rst, zero-page.rst), variants 0-2, 4, 6:
 *   1. copy the protected-mode code ((setup_sects + 1) * 512 bytes into the file on) to its
 *      load address: pref_address for a relocatable kernel, else code32_start;
 *   2. build the zero page: the setup header copied from the file (0x1f1 up to 0x202 + the
 *      byte at 0x201), type_of_loader 0xff, LOADED_HIGH, code32_start, ramdisk_image/size (the
 *      initrd left where bootemu put it), cmd_line_ptr (bootemu's command line),
 *      acpi_rsdp_addr, and the e820 table from start_info's memory map;
 *   3. identity-map 0-4 GiB (2 MiB pages), load a GDT with __BOOT_CS 0x10 and __BOOT_DS 0x18,
 *      enable PAE, LME and paging, and jump to startup_64 (load + 0x200) in 64-bit mode with
 *      RSI = the zero page and interrupts off.
 * ELF path (Xen docs/misc/pvh.pandoc), variants 3 and 5: copy the vmlinux's PT_LOAD segments to
 *   p_paddr (zeroing p_memsz past p_filesz), find its XEN_ELFNOTE_PHYS32_ENTRY note, build its
 *   own hvm_start_info (bootemu's copied, the initrd as module 0) and jump to the note's entry
 *   in 32-bit flat protected mode with EBX = that start_info.
 *
 * Variants (testdata/x86/build.sh: --defsym VARIANT=n, built as loader-<name>.elf), each
 * breaking exactly one handoff rule:
 *   0 good               none
 *   1 no-initrd-e820     e820.covers: the RAM entry holding the initrd ends where it starts
 *   2 cmdline-past-size  bootparams.cmdline: cmd_line_ptr -> 4 KiB of 'A', no NUL within
 *                        cmdline_size
 *   3 pvh-bad-magic      pvh.magic: the start_info's magic is 0x336ec579, not 0x336ec578
 *   4 entry32            none: the bzImage entered at startup_32 (load + 0) through the 32-bit
 *                        boot protocol instead (flat 32-bit __BOOT_CS/__BOOT_DS, paging off,
 *                        ESI = the zero page, EBP = EDI = EBX = 0)
 *   5 pvh-good           none: the ELF path with the right magic
 *   6 initrd-off-by-page bootparams.ramdisk: ramdisk_image one page below the initrd (the
 *                        right size, in RAM, but not the initrd's bytes)
 * On a bad handoff to itself (no modules, not a bzImage/ELF, no PVH note) it prints a line on
 * COM1 and halts with interrupts off.
 */
    .include "common.inc"

    .ifndef VARIANT
    .equ VARIANT, 0
    .endif
    .equ GOOD, 0
    .equ NO_INITRD_E820, 1
    .equ CMDLINE_PAST_SIZE, 2
    .equ PVH_BAD_MAGIC, 3
    .equ ENTRY32, 4
    .equ PVH_GOOD, 5
    .equ INITRD_OFF_BY_PAGE, 6

    .equ COM1, 0x3f8
    .equ ZP, 0x110000        /* the zero page */
    .equ PML4, 0x111000
    .equ PDPT, 0x112000
    .equ PD, 0x113000        /* four page directories: 0-4 GiB in 2 MiB pages */
    .equ CMDBUF, 0x117000    /* cmdline-past-size's 4 KiB of 'A' */
    .equ SI_COPY, 0x118000   /* pvh-bad-magic's start_info, then its module list at + 64 */
    .equ STACK_TOP, 0x120000

    .equ XEN_MAGIC, 0x336ec578
    /* hvm_start_info (Xen arch-x86/hvm/start_info.h) */
    .equ SI_NR_MODULES, 12
    .equ SI_MODLIST, 16
    .equ SI_CMDLINE, 24
    .equ SI_RSDP, 32
    .equ SI_MEMMAP, 40
    .equ SI_MEMMAP_N, 48
    .equ SI_SIZE, 56
    /* the zero page (zero-page.rst) and setup header (boot.rst) */
    .equ ZP_ACPI_RSDP, 0x070
    .equ ZP_E820_ENTRIES, 0x1e8
    .equ ZP_SETUP_SECTS, 0x1f1
    .equ ZP_HDR_START, 0x1f1
    .equ ZP_JUMP_LEN, 0x201
    .equ ZP_HEADER, 0x202
    .equ ZP_TYPE_OF_LOADER, 0x210
    .equ ZP_LOADFLAGS, 0x211
    .equ ZP_CODE32_START, 0x214
    .equ ZP_RAMDISK_IMAGE, 0x218
    .equ ZP_RAMDISK_SIZE, 0x21c
    .equ ZP_CMD_LINE_PTR, 0x228
    .equ ZP_RELOCATABLE, 0x234
    .equ ZP_PREF_ADDRESS, 0x258
    .equ ZP_E820_TABLE, 0x2d0
    .equ E820_MAX, 128
    .equ LOADED_HIGH, 1
    .equ STARTUP_64, 0x200

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    cli
    cld
    lgdt gdt_ptr
    ljmp $0x08, $1f
1:  movw $0x18, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $STACK_TOP, %esp
    movl %ebx, %ebp                  /* hvm_start_info, kept in EBP */
    movl $msg_hello, %esi
    call puts
    cmpl $XEN_MAGIC, (%ebp)
    movl $msg_magic, %esi
    jne fail
    /* Module 0: the kernel file; module 1: the initrd. */
    cmpl $1, SI_NR_MODULES(%ebp)
    movl $msg_nomod, %esi
    jb fail
    movl SI_MODLIST(%ebp), %esi
    movl (%esi), %eax
    movl %eax, k_addr
    movl 8(%esi), %eax
    movl %eax, k_size
    cmpl $2, SI_NR_MODULES(%ebp)
    jb 2f
    movl 32(%esi), %eax
    movl %eax, rd_addr
    movl 40(%esi), %eax
    movl %eax, rd_size
2:
    .if VARIANT == PVH_BAD_MAGIC
    jmp load_elf
    .elseif VARIANT == PVH_GOOD
    jmp load_elf
    .else
    jmp load_bzimage
    .endif

/* ---- the bzImage path ---- */
load_bzimage:
    movl k_addr, %esi
    cmpl $0x53726448, ZP_HEADER(%esi)   /* "HdrS" */
    movl $msg_nobz, %esi
    jne fail
    movl k_addr, %esi
    movzbl ZP_SETUP_SECTS(%esi), %eax
    testl %eax, %eax
    jnz 3f
    movl $4, %eax
3:  incl %eax
    shll $9, %eax                    /* the protected-mode code's offset in the file */
    movl k_size, %ecx
    subl %eax, %ecx                  /* its length */
    movl ZP_CODE32_START(%esi), %edi
    cmpb $0, ZP_RELOCATABLE(%esi)
    je 4f
    movl ZP_PREF_ADDRESS(%esi), %edi
4:  movl %edi, load_addr
    addl %eax, %esi
    call copy                        /* ECX bytes from ESI to EDI */

    /* The zero page: zeros, then the setup header from the file. */
    movl $ZP, %edi
    xorl %eax, %eax
    movl $1024, %ecx
    rep stosl
    movl k_addr, %esi
    movzbl ZP_JUMP_LEN(%esi), %ecx
    addl $(ZP_HEADER - ZP_HDR_START), %ecx
    addl $ZP_HDR_START, %esi
    movl $(ZP + ZP_HDR_START), %edi
    rep movsb
    movb $0xff, ZP + ZP_TYPE_OF_LOADER
    orb $LOADED_HIGH, ZP + ZP_LOADFLAGS
    movl load_addr, %eax
    movl %eax, ZP + ZP_CODE32_START
    movl rd_addr, %eax
    .if VARIANT == INITRD_OFF_BY_PAGE
    subl $0x1000, %eax
    .endif
    movl %eax, ZP + ZP_RAMDISK_IMAGE
    movl rd_size, %eax
    movl %eax, ZP + ZP_RAMDISK_SIZE
    .if VARIANT == CMDLINE_PAST_SIZE
    movl $CMDBUF, %edi
    movl $0x41414141, %eax
    movl $1024, %ecx
    rep stosl
    movl $CMDBUF, ZP + ZP_CMD_LINE_PTR
    .else
    movl SI_CMDLINE(%ebp), %eax
    movl %eax, ZP + ZP_CMD_LINE_PTR
    .endif
    movl SI_RSDP(%ebp), %eax
    movl %eax, ZP + ZP_ACPI_RSDP
    movl SI_RSDP + 4(%ebp), %eax
    movl %eax, ZP + ZP_ACPI_RSDP + 4

    /* The e820 table from the memory map (24-byte entries to 20-byte ones). */
    movl SI_MEMMAP(%ebp), %esi
    movl SI_MEMMAP_N(%ebp), %ecx
    cmpl $E820_MAX, %ecx
    jbe 5f
    movl $E820_MAX, %ecx
5:  movl $(ZP + ZP_E820_TABLE), %edi
    xorl %edx, %edx                  /* entries written */
6:  jecxz 8f
    movl (%esi), %eax
    movl %eax, (%edi)
    movl 4(%esi), %eax
    movl %eax, 4(%edi)
    movl 8(%esi), %eax
    movl %eax, 8(%edi)
    movl 12(%esi), %eax
    movl %eax, 12(%edi)
    movl 16(%esi), %eax
    movl %eax, 16(%edi)
    .if VARIANT == NO_INITRD_E820
    /* The entry holding the initrd (below 4 GiB) ends where the initrd starts. */
    movl 4(%esi), %eax
    orl 12(%esi), %eax
    jnz 7f
    movl rd_addr, %eax
    subl (%esi), %eax                /* initrd - entry start, unsigned */
    cmpl 8(%esi), %eax
    jae 7f
    movl %eax, 8(%edi)
    .endif
7:  addl $24, %esi
    addl $20, %edi
    incl %edx
    decl %ecx
    jmp 6b
8:  movb %dl, ZP + ZP_E820_ENTRIES

    .if VARIANT == ENTRY32
    /* The 32-bit boot protocol: its own GDT (__BOOT_CS a 32-bit code segment), paging off. */
    movl $msg_enter32bz, %esi
    call puts
    lgdt gdt32_ptr
    ljmp $0x10, $1f
1:  movw $0x18, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl load_addr, %eax
    movl $ZP, %esi
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %edi, %edi
    jmp *%eax
    .endif

    /* Identity map 0-4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> PD, 2048 2 MiB pages. */
    movl $PML4, %edi
    xorl %eax, %eax
    movl $(2 * 1024), %ecx
    rep stosl
    movl $(PDPT + 3), PML4
    movl $(PD + 3), PDPT
    movl $(PD + 0x1000 + 3), PDPT + 8
    movl $(PD + 0x2000 + 3), PDPT + 16
    movl $(PD + 0x3000 + 3), PDPT + 24
    movl $PD, %edi
    movl $0x83, %eax                 /* present, writable, 2 MiB */
    movl $2048, %ecx
9:  movl %eax, (%edi)
    movl $0, 4(%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 9b

    movl $msg_enter64, %esi
    call puts
    /* Long mode: PAE, CR3, EFER.LME, paging; then the 64-bit code segment. */
    movl %cr4, %eax
    orl $0x20, %eax
    movl %eax, %cr4
    movl $PML4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax
    movl %eax, %cr0
    ljmp $0x10, $long64

    .code64
long64:
    movw $0x18, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl load_addr, %eax
    addq $STARTUP_64, %rax
    movq $ZP, %rsi
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %edi, %edi
    jmp *%rax
    .code32

/* ---- the ELF (PVH) path ---- */
load_elf:
    movl k_addr, %esi
    cmpl $0x464c457f, (%esi)         /* "\x7fELF" */
    movl $msg_noelf, %esi
    jne fail
    movl k_addr, %ebx
    movzwl 0x38(%ebx), %eax          /* e_phnum */
    movl %eax, ph_left
    movzwl 0x36(%ebx), %eax          /* e_phentsize */
    movl %eax, ph_size
    addl 0x20(%ebx), %ebx            /* the program headers (e_phoff) */
10: cmpl $0, ph_left
    je 20f
    cmpl $1, (%ebx)                  /* PT_LOAD */
    jne 12f
    movl k_addr, %esi
    addl 8(%ebx), %esi               /* p_offset */
    movl 0x18(%ebx), %edi            /* p_paddr */
    movl 0x20(%ebx), %ecx            /* p_filesz */
    call copy
    movl 0x28(%ebx), %ecx            /* p_memsz */
    subl 0x20(%ebx), %ecx
    xorl %eax, %eax
    rep stosb
    jmp 19f
12: cmpl $4, (%ebx)                  /* PT_NOTE */
    jne 19f
    movl k_addr, %esi
    addl 8(%ebx), %esi               /* the notes */
    movl 0x20(%ebx), %edx            /* their length */
13: cmpl $12, %edx
    jb 19f
    cmpl $18, 8(%esi)                /* XEN_ELFNOTE_PHYS32_ENTRY */
    jne 14f
    cmpl $4, (%esi)
    jne 14f
    cmpl $0x006e6558, 12(%esi)       /* "Xen\0" */
    jne 14f
    movl 16(%esi), %eax
    movl %eax, pvh_entry
14: movl (%esi), %eax                /* 12 + namesz and descsz, each rounded up to 4 */
    addl $3, %eax
    andl $~3, %eax
    movl 4(%esi), %ecx
    addl $3, %ecx
    andl $~3, %ecx
    addl %ecx, %eax
    addl $12, %eax
    cmpl %eax, %edx
    jb 19f
    addl %eax, %esi
    subl %eax, %edx
    jmp 13b
19: addl ph_size, %ebx
    decl ph_left
    jmp 10b
20: cmpl $0, pvh_entry
    movl $msg_nonote, %esi
    je fail

    /* Its own start_info: bootemu's, the initrd as module 0, and the magic. */
    movl %ebp, %esi
    movl $SI_COPY, %edi
    movl $SI_SIZE, %ecx
    rep movsb
    movl $0, SI_COPY + SI_NR_MODULES
    movl $0, SI_COPY + SI_MODLIST
    movl $0, SI_COPY + SI_MODLIST + 4
    cmpl $0, rd_size
    je 21f
    movl $1, SI_COPY + SI_NR_MODULES
    movl $(SI_COPY + 64), SI_COPY + SI_MODLIST
    movl $SI_COPY + 64, %edi
    xorl %eax, %eax
    movl $8, %ecx
    rep stosl
    movl rd_addr, %eax
    movl %eax, SI_COPY + 64
    movl rd_size, %eax
    movl %eax, SI_COPY + 64 + 8
21:
    .if VARIANT == PVH_BAD_MAGIC
    movl $(XEN_MAGIC + 1), SI_COPY
    .endif
    movl $msg_enter32, %esi
    call puts
    movl pvh_entry, %eax
    movl $SI_COPY, %ebx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    jmp *%eax

/* Copy ECX bytes from ESI to EDI (dwords, then the rest). Clobbers EAX, ECX, ESI, EDI. */
copy:
    movl %ecx, %eax
    shrl $2, %ecx
    rep movsl
    movl %eax, %ecx
    andl $3, %ecx
    rep movsb
    ret

/* Print the NUL-terminated string at ESI on COM1. Clobbers EAX, EDX, ESI. */
puts:
    PUTS32 COM1

/* Print the message at ESI and stop. */
fail:
    call puts
    cli
1:  hlt
    jmp 1b

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff         /* 0x08: 32-bit code, flat */
    .quad 0x00af9a000000ffff         /* 0x10: __BOOT_CS, 64-bit code */
    .quad 0x00cf92000000ffff         /* 0x18: __BOOT_DS, flat data */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
    .balign 8
gdt32:
    .quad 0
    .quad 0
    .quad 0x00cf9a000000ffff         /* 0x10: __BOOT_CS, 32-bit code, flat */
    .quad 0x00cf92000000ffff         /* 0x18: __BOOT_DS, flat data */
gdt32_end:
gdt32_ptr:
    .word gdt32_end - gdt32 - 1
    .long gdt32
    .balign 4
k_addr: .long 0
k_size: .long 0
rd_addr: .long 0
rd_size: .long 0
load_addr: .long 0
ph_left: .long 0
ph_size: .long 0
pvh_entry: .long 0
msg_hello: .asciz "bootemu-loader: started\r\n"
msg_magic: .asciz "bootemu-loader: bad hvm_start_info magic\r\n"
msg_nomod: .asciz "bootemu-loader: no kernel module\r\n"
msg_nobz: .asciz "bootemu-loader: module 0 is not a bzImage\r\n"
msg_noelf: .asciz "bootemu-loader: module 0 is not an ELF\r\n"
msg_nonote: .asciz "bootemu-loader: no PVH note in the ELF\r\n"
msg_enter64: .asciz "bootemu-loader: entering the kernel at startup_64\r\n"
msg_enter32bz: .asciz "bootemu-loader: entering the kernel at startup_32\r\n"
msg_enter32: .asciz "bootemu-loader: entering the kernel at its PVH entry\r\n"
