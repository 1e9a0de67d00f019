/*
 * A self-checking bare-metal x86 guest (the x86 core's acceptance guest), entered the PVH way:
 * 32-bit flat protected mode, paging off, EBX = the hvm_start_info (Xen's
 * arch-x86/hvm/start_info.h; magic 0x336ec578). It loads its own GDT, builds identity-mapped
 * page tables (a 2 MiB page for 0-2 MiB, 4 KiB pages for 2-4 MiB, one 4 KiB alias), reads
 * through the alias under 32-bit PAE paging, turns paging off, enables LME, NXE and 4-level
 * paging, far-jumps to 64-bit code and installs a 64-bit IDT. Then it takes:
 *   - a #PF on a write to a page left unmapped (error 0x2),
 *   - a #PF on a write to a read-only page with CR0.WP = 1 (error 0x3),
 *   - a #PF on a fetch from an execute-disabled page (error 0x11),
 * each handled by mapping the page (present, writable, executable) and returning with IRETQ
 * to retry the access, and a #GP(0) on a non-canonical load, whose handler skips the
 * 3-byte instruction; then, with a TSS (RSP0) loaded, it IRETQs to user code (CPL 3) that
 * reads a supervisor page (#PF, error 0x5, the handler makes it a user page) and comes back
 * with INT 0x80 through a DPL 3 gate. Each event is printed with its CR2 (RIP for the #GP) and error code,
 * and checked (one fault each, at the expected address); lines go out through the debug
 * console (port 0xe9). Any other exception vector reaches a handler that reports it and fails.
 * The guest ends with PASS (or FAIL at the first failed check) and stops the machine through
 * isa-debug-exit (port 0xf4), then with CLI; HLT.
 */
    .include "common.inc"

    .equ CONSOLE, 0xe9
    .equ EXIT_PORT, 0xf4

    .equ PML4, 0x110000
    .equ PDPT, 0x111000
    .equ PD, 0x112000
    .equ PT, 0x113000        /* maps 0x200000-0x3fffff in 4 KiB pages */
    .equ PAE_PDPT, 0x114000  /* the PDPT of the PAE paging step (four 8-byte entries) */
    .equ STACK_TOP, 0x180000

    .equ UNMAPPED, 0x203000    /* left out of the page table */
    .equ READONLY, 0x204000    /* mapped read-only */
    .equ NOEXEC, 0x205000    /* mapped execute-disabled: a RET is copied there */
    .equ ALIAS, 0x206000     /* mapped to physical 0x100000 (this image's first page) */
    .equ USERPAGE, 0x207000  /* user code and stack (CPL 3) */
    .equ KPAGE, 0x208000     /* supervisor-only: the user code's #PF */

    PVH_NOTE

    .text
    .code32
    .globl _start
_start:
    PVH_ENTRY32 STACK_TOP
    movl %ebx, %edi          /* hvm_start_info */
    movl $msg_hello32, %esi
    call puts32
    /* The PVH start info's magic. */
    cmpl $0x336ec578, (%edi)
    jne fail32

    /* Zero the five tables. */
    movl $PML4, %edi
    movl $(5 * 4096 / 4), %ecx
    xorl %eax, %eax
    cld
    rep stosl
    movl $(PDPT + 7), (PML4)         /* present, writable, user (the leaves decide) */
    movl $(PD + 7), (PDPT)
    movl $0x83, (PD)                 /* 0-2 MiB: a 2 MiB page, present, writable, supervisor */
    movl $(PT + 7), (PD + 8)         /* 2-4 MiB: the page table */
    /* 512 identity 4 KiB entries, present and writable. */
    movl $PT, %edi
    movl $0x200003, %eax
    movl $512, %ecx
2:  movl %eax, (%edi)
    addl $4096, %eax
    addl $8, %edi
    loop 2b
    movl $0, (PT + ((UNMAPPED - 0x200000) >> 12) * 8)
    movl $(READONLY + 1), (PT + ((READONLY - 0x200000) >> 12) * 8)
    movl $0x80000000, (PT + ((NOEXEC - 0x200000) >> 12) * 8 + 4)   /* XD */
    movb $0xc3, (NOEXEC)                                            /* ret */
    movl $(0x100000 + 3), (PT + ((ALIAS - 0x200000) >> 12) * 8)
    movl $(USERPAGE + 7), (PT + ((USERPAGE - 0x200000) >> 12) * 8)

    /* First PAE paging in 32-bit mode (no LME): its own PDPT, entry 0 -> the same PD. */
    movl $(PD + 1), (PAE_PDPT)
    movl %cr4, %eax
    orl $0x20, %eax                  /* PAE */
    movl %eax, %cr4
    movl $PAE_PDPT, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax            /* PG */
    movl %eax, %cr0
    /* The alias reads this image's first bytes. */
    movl (ALIAS), %eax
    cmpl (0x100000), %eax
    jne fail32
    movl $msg_pae, %esi
    call puts32
    /* Paging off again: LME may only change with paging off. */
    movl %cr0, %eax
    andl $0x7fffffff, %eax
    movl %eax, %cr0

    movl %cr4, %eax
    orl $0x20, %eax                  /* PAE */
    movl %eax, %cr4
    movl $PML4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx           /* EFER */
    rdmsr
    orl $0x900, %eax                 /* LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $0x80010000, %eax            /* PG, WP */
    movl %eax, %cr0
    ljmp $0x18, $long_mode

fail32:
    movl $msg_fail, %esi
    call puts32
    jmp stop32

puts32:
    PUTS32 CONSOLE

stop32:
    movw $EXIT_PORT, %dx
    movb $1, %al
    outb %al, %dx
    cli
3:  hlt
    jmp 3b

    .code64
long_mode:
    movw $0x20, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq $STACK_TOP, %rsp
    leaq msg_long(%rip), %rsi
    call puts
    /* Check the mode: EFER.LMA. */
    movl $0xc0000080, %ecx
    rdmsr
    btl $10, %eax
    jnc fail
    /* The alias through 4-level paging. */
    movl (ALIAS), %eax
    cmpl (0x100000), %eax
    jne fail

    /* The IDT: vectors 0-31 to `unexpected`, then #GP (13) and #PF (14). */
    xorl %ebx, %ebx
1:  leaq unexpected(%rip), %rax
    movl %ebx, %ecx
    call set_gate
    incl %ebx
    cmpl $32, %ebx
    jb 1b
    leaq gp_handler(%rip), %rax
    movl $13, %ecx
    call set_gate
    leaq pf_handler(%rip), %rax
    movl $14, %ecx
    call set_gate
    lidt idt_ptr(%rip)

    /* 1. A write to an unmapped page. */
    movq $(UNMAPPED + 8), %rdi
    movl $0x1234, (%rdi)
    leaq msg_pf1(%rip), %rsi
    movq $(UNMAPPED + 8), %rbx
    movq $2, %rcx
    call check_pf
    cmpl $0x1234, (UNMAPPED + 8)
    jne fail
    /* The handler's mapping was used: accessed and dirty set by the write. */
    movq (PT + ((UNMAPPED - 0x200000) >> 12) * 8), %rax
    andq $0x60, %rax
    cmpq $0x60, %rax
    jne fail

    /* 2. A write to a read-only page (CR0.WP = 1). */
    movq $(READONLY + 0x10), %rdi
    movl $0x5678, (%rdi)
    leaq msg_pf2(%rip), %rsi
    movq $(READONLY + 0x10), %rbx
    movq $3, %rcx
    call check_pf
    cmpl $0x5678, (READONLY + 0x10)
    jne fail

    /* 3. A call into an execute-disabled page (which holds a RET). */
    movq $NOEXEC, %rax
    call *%rax
    leaq msg_pf3(%rip), %rsi
    movq $NOEXEC, %rbx
    movq $0x11, %rcx
    call check_pf

    /* 4. A non-canonical load: #GP(0), the handler skips the 3-byte load. */
    movq $0x8000000000000000, %rax
    movq $0x77, %rbx
gp_insn:
    movq (%rax), %rbx
    cmpq $0x77, %rbx
    jne fail
    cmpq $1, gp_count(%rip)
    jne fail
    leaq msg_gp(%rip), %rsi
    call puts
    movq gp_err(%rip), %rax
    call puthex
    leaq msg_rip(%rip), %rsi
    call puts
    movq gp_rip(%rip), %rax
    call puthex
    call newline
    cmpq $0, gp_err(%rip)
    jne fail
    leaq gp_insn(%rip), %rax
    cmpq %rax, gp_rip(%rip)
    jne fail

    /* 5. CPL 3: a TSS with RSP0, IRETQ to user code that reads a supervisor page (#PF with
     * U set; the handler makes the page a user page) and returns with INT 0x80. */
    leaq tss(%rip), %rax
    leaq gdt_tss(%rip), %rdi
    movw $(tss_end - tss - 1), (%rdi)
    movw %ax, 2(%rdi)
    shrq $16, %rax
    movb %al, 4(%rdi)
    movb $0x89, 5(%rdi)              /* present, 64-bit TSS (available) */
    movb $0, 6(%rdi)
    movb %ah, 7(%rdi)
    shrq $16, %rax
    movl %eax, 8(%rdi)
    movl $0, 12(%rdi)
    movw $0x38, %ax
    ltr %ax
    leaq int80_handler(%rip), %rax
    movl $0x80, %ecx
    call set_gate
    movw $0xee00, 4(%rdi)            /* DPL 3: INT 0x80 allowed from CPL 3 */
    leaq user_code(%rip), %rsi
    movq $USERPAGE, %rdi
    movq $(user_code_end - user_code), %rcx
    rep movsb
    pushq $0x33                      /* SS: user data */
    pushq $(USERPAGE + 0x1000)       /* RSP */
    pushq $2                         /* RFLAGS */
    pushq $0x2b                      /* CS: user 64-bit code */
    pushq $USERPAGE
    iretq
after_user:
    leaq msg_pf4(%rip), %rsi
    movq $KPAGE, %rbx
    movq $5, %rcx
    call check_pf
    leaq msg_int80(%rip), %rsi
    call puts
    movq int80_cs(%rip), %rax
    call puthex
    call newline
    cmpq $0x2b, int80_cs(%rip)
    jne fail
    cmpq $0x1234, int80_rax(%rip)
    jne fail

    leaq msg_pass(%rip), %rsi
    call puts
    jmp stop

/* Copied to USERPAGE and run at CPL 3. */
user_code:
    movq (KPAGE), %rax
    movq $0x1234, %rax
    int $0x80
1:  jmp 1b
user_code_end:

/* INT 0x80 from CPL 3: record CS and RAX, continue the kernel on its own stack. */
int80_handler:
    movq 8(%rsp), %rbx
    movq %rbx, int80_cs(%rip)
    movq %rax, int80_rax(%rip)
    movq $STACK_TOP, %rsp
    jmp after_user

fail:
    leaq msg_fail(%rip), %rsi
    call puts
stop:
    movw $EXIT_PORT, %dx
    movb $1, %al
    outb %al, %dx
    cli
1:  hlt
    jmp 1b

/* Print "<rsi> cr2=<pf_cr2> err=<pf_err>", then check pf_count == 1, pf_cr2 == rbx and
 * pf_err == rcx, and reset pf_count. */
check_pf:
    pushq %rbx
    pushq %rcx
    call puts
    leaq msg_cr2(%rip), %rsi
    call puts
    movq pf_cr2(%rip), %rax
    call puthex
    leaq msg_err(%rip), %rsi
    call puts
    movq pf_err(%rip), %rax
    call puthex
    call newline
    popq %rcx
    popq %rbx
    cmpq $1, pf_count(%rip)
    jne fail
    cmpq %rbx, pf_cr2(%rip)
    jne fail
    cmpq %rcx, pf_err(%rip)
    jne fail
    movq $0, pf_count(%rip)
    ret

/* IDT gate ecx -> handler rax: a 64-bit interrupt gate, selector 0x18, DPL 0. */
set_gate:
    leaq idt(%rip), %rdi
    shlq $4, %rcx
    addq %rcx, %rdi
    movw %ax, (%rdi)
    movw $0x18, 2(%rdi)
    movw $0x8e00, 4(%rdi)
    shrq $16, %rax
    movw %ax, 6(%rdi)
    shrq $16, %rax
    movl %eax, 8(%rdi)
    movl $0, 12(%rdi)
    ret

/* #PF: record CR2 and the error code, make the page present, writable, user and executable,
 * flush its translation, and return to retry the access. */
pf_handler:
    pushq %rax
    pushq %rbx
    movq 16(%rsp), %rax
    movq %rax, pf_err(%rip)
    movq %cr2, %rax
    movq %rax, pf_cr2(%rip)
    incq pf_count(%rip)
    cmpq $0x200000, %rax
    jb fail
    cmpq $0x400000, %rax
    jae fail
    shrq $12, %rax
    andq $511, %rax
    leaq PT(,%rax,8), %rbx
    movq pf_cr2(%rip), %rax
    andq $~0xfff, %rax
    orq $7, %rax
    movq %rax, (%rbx)
    movq pf_cr2(%rip), %rax
    invlpg (%rax)
    popq %rbx
    popq %rax
    addq $8, %rsp
    iretq

/* #GP: record the error code and the faulting RIP, and skip the 3-byte instruction. */
gp_handler:
    pushq %rax
    movq 8(%rsp), %rax
    movq %rax, gp_err(%rip)
    movq 16(%rsp), %rax
    movq %rax, gp_rip(%rip)
    incq gp_count(%rip)
    addq $3, 16(%rsp)
    popq %rax
    addq $8, %rsp
    iretq

/* Any other exception: report it and fail. */
unexpected:
    leaq msg_unexpected(%rip), %rsi
    call puts
    jmp fail

puts:
    pushq %rax
    pushq %rdx
    movw $CONSOLE, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  popq %rdx
    popq %rax
    ret

newline:
    pushq %rax
    pushq %rdx
    movw $CONSOLE, %dx
    movb $'\n', %al
    outb %al, %dx
    popq %rdx
    popq %rax
    ret

/* Print rax as 16 hex digits. */
puthex:
    PUTHEX64 CONSOLE

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff     /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff     /* 0x10: data */
    .quad 0x00af9a000000ffff     /* 0x18: 64-bit code */
    .quad 0x00cf92000000ffff     /* 0x20: data */
    .quad 0x00affa000000ffff     /* 0x28: user 64-bit code */
    .quad 0x00cff2000000ffff     /* 0x30: user data */
gdt_tss:
    .quad 0, 0                   /* 0x38: the 64-bit TSS (filled in) */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
    .balign 16
idt:
    .fill 256 * 16, 1, 0
idt_end:
idt_ptr:
    .word idt_end - idt - 1
    .quad idt
    .balign 8
pf_count: .quad 0
pf_cr2: .quad 0
pf_err: .quad 0
gp_count: .quad 0
gp_err: .quad 0
gp_rip: .quad 0
int80_cs: .quad 0
int80_rax: .quad 0
    .balign 16
tss:
    .long 0
    .quad STACK_TOP              /* RSP0 */
    .fill 104 - 12, 1, 0
tss_end:

msg_hello32: .asciz "boot64: 32-bit protected mode\n"
msg_pae: .asciz "boot64: 32-bit PAE paging\n"
msg_long: .asciz "boot64: long mode, paging on\n"
msg_pf1: .asciz "#PF not present:"
msg_pf2: .asciz "#PF read-only:"
msg_pf3: .asciz "#PF execute-disabled:"
msg_pf4: .asciz "#PF user read of a supervisor page:"
msg_int80: .asciz "INT 0x80 from cs="
msg_cr2: .asciz " cr2="
msg_err: .asciz " err="
msg_gp: .asciz "#GP non-canonical: err="
msg_rip: .asciz " rip="
msg_unexpected: .asciz "unexpected exception\n"
msg_pass: .asciz "PASS\n"
msg_fail: .asciz "FAIL\n"
