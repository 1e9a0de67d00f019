//! Loads and stores (DDI 0487 C4.1.88, semantics in C6.2): single registers in every addressing
//! form (unscaled, post-index, unprivileged, pre-index, unsigned offset, register offset),
//! literal loads, pairs (including non-temporal), exclusives, load-acquire/store-release and
//! prefetch, for the general-purpose registers.
//!
//! The access size `N` (bytes) and the extension `E` of loaded values ([`ZX`], [`SX32`],
//! [`SX64`]) are const generics chosen by the table line, so the hot forms are straight-line code.
//! The immediate forms share one handler per size: the shape precomputes
//! - `imm`: the byte offset;
//! - `op`: 1 when the offset applies to the address (offset, pre-index), 0 for post-index;
//! - `rm`: the slot written back with `base + imm` (Rn for pre/post-index, the XZR sink
//!   otherwise), so no handler branches on the addressing mode;
//! - `op2`: 15 when the base is SP, 0 otherwise. `base & op2 != 0` is the only test ordinary
//!   accesses pay for the SP alignment check (DDI 0487 D1.8.2); SCTLR is read only when SP is
//!   misaligned.
//!
//! CONSTRAINED UNPREDICTABLE choices (as QEMU 10 behaves, checked with qemu-aarch64):
//! - a load with writeback and Rt == Rn: the written-back address wins;
//! - a store with writeback and Rt == Rn: the value stored is Rt before the writeback;
//! - LDP/LDXP with Rt == Rt2: the second element wins; LDP with writeback and Rn == Rt or
//!   Rn == Rt2: the written-back address wins;
//! - STXR/STXP with Rs == Rt, Rt2 or Rn: the status is written last.
//!
//! Barrier semantics of acquire/release are no-ops in this single-threaded interpreter.
//! The SIMD&FP register forms (V = 1) live in `exec/simd/ldst.rs` and share the address helpers.
//! The unprivileged forms (LDTR*/STTR*) access memory with EL0 permissions at EL1.

use crate::aarch64::block::Env;
use crate::aarch64::exception::Trap;
use crate::aarch64::mmu::IDX_EL0;
use crate::aarch64::state::{Cpu, Flow, Ops};
use crate::aarch64::sysreg::Reg;

/// Loaded value is zero-extended (LDR, LDRB, LDRH, the exclusives).
pub const ZX: u8 = 0;
/// Loaded value is sign-extended to 32 bits, then zero-extended (LDRSB/LDRSH to Wt).
pub const SX32: u8 = 1;
/// Loaded value is sign-extended to 64 bits (LDRSB/LDRSH/LDRSW to Xt, LDPSW).
pub const SX64: u8 = 2;

/// Apply the extension `E` to an `N`-byte value loaded zero-extended.
#[inline(always)]
fn ext<const N: usize, const E: u8>(v: u64) -> u64 {
    let sh = 64 - 8 * N as u32;
    let s = (((v << sh) as i64) >> sh) as u64;
    match E {
        ZX => v,
        SX32 => s as u32 as u64,
        _ => s,
    }
}

/// Whether the SP alignment check is enabled at the current EL: SCTLR_EL1.SA0 at EL0,
/// SCTLR_EL1.SA at EL1, SCTLR_EL2.SA at EL2 (CheckSPAlignment, DDI 0487 D1.8.2).
#[cold]
#[inline(never)]
fn sp_check_enabled(cpu: &Cpu) -> bool {
    match cpu.el {
        0 => cpu.sys.get(Reg::SctlrEl1) & (1 << 4) != 0,
        1 => cpu.sys.get(Reg::SctlrEl1) & (1 << 3) != 0,
        _ => cpu.sys.get(Reg::SctlrEl2) & (1 << 3) != 0,
    }
}

/// The base register value, or an SP alignment fault when the base is a misaligned SP and the
/// check is enabled (`o.op2` is 15 for an SP base, 0 otherwise).
#[inline(always)]
pub(crate) fn base(cpu: &Cpu, o: &Ops) -> Result<u64, Trap> {
    let b = cpu.r(o.rn);
    if b & o.op2 as u64 != 0 && sp_check_enabled(cpu) {
        Err(Trap::SpAlign)
    } else {
        Ok(b)
    }
}

/// The pick of a `PER_SP` table line: whether the base register of a load or store is SP
/// ([`Ops::op2`], its alignment mask, is not 0), instantiations `false` then `true`: only then
/// does the fast path test the alignment.
pub fn base_is_sp(o: &Ops) -> usize {
    (o.op2 != 0) as usize
}

/// The base register value for a fast path, `None` when the base is a misaligned SP (the slow
/// path then decides). `SP`: the base may be SP, chosen at decode time ([`base_is_sp`]);
/// without it (`o.op2` is 0) there is nothing to test.
#[inline(always)]
fn fast_base<const SP: bool>(cpu: &Cpu, o: &Ops) -> Option<u64> {
    let b = cpu.r(o.rn);
    if SP && b & o.op2 as u64 != 0 {
        None
    } else {
        Some(b)
    }
}

/// Address of an immediate form: `base + imm` (offset, pre-index) or `base` (post-index).
#[inline(always)]
pub(crate) fn imm_addr(b: u64, o: &Ops) -> u64 {
    b.wrapping_add(o.imm & (o.op as u64).wrapping_neg())
}

/// LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW (immediate, all forms), LDUR* (and LDTR* through [`ldt`]):
/// load `N` bytes with extension `E`, then write back.
pub fn ld<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if ld_hit::<N, E>(cpu, o) {
        return Flow::Next;
    }
    ld_slow::<N, E>(cpu, env, o)
}

/// [`ld`]'s fast path (`false`: not taken, nothing done): the data TLB holds the page.
#[inline(always)]
pub fn ld_hit<const N: usize, const E: u8>(cpu: &mut Cpu, o: &Ops) -> bool {
    if let Some(b) = fast_base::<true>(cpu, o) {
        if let Some(v) = cpu.load_hit::<N>(imm_addr(b, o)) {
            cpu.w(o.rd, ext::<N, E>(v));
            cpu.w(o.rm, b.wrapping_add(o.imm));
            return true;
        }
    }
    false
}

/// LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW (unsigned offset), the commonest loads: [`ld`] with the
/// offset always applied and no write-back (the shape's `op` is 1 and `rm` the sink); `SP`:
/// the base is SP.
pub fn ld_ui<const N: usize, const E: u8, const SP: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    o: &Ops,
) -> Flow {
    if ld_ui_hit::<N, E, SP>(cpu, o) {
        return Flow::Next;
    }
    ld_slow::<N, E>(cpu, env, o)
}

/// [`ld_ui`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn ld_ui_hit<const N: usize, const E: u8, const SP: bool>(cpu: &mut Cpu, o: &Ops) -> bool {
    if let Some(b) = fast_base::<SP>(cpu, o) {
        if let Some(v) = cpu.load_hit::<N>(b.wrapping_add(o.imm)) {
            cpu.w(o.rd, ext::<N, E>(v));
            return true;
        }
    }
    false
}

/// [`ld`] past the fast path: SP alignment check, TLB miss, device, fault.
#[cold]
#[inline(never)]
fn ld_slow<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    match cpu.load::<N>(env, imm_addr(b, o)) {
        Ok(v) => {
            cpu.w(o.rd, ext::<N, E>(v));
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR/STRB/STRH (immediate, all forms), STUR* (and STTR* through [`stt`]): store the low `N`
/// bytes of Rt, then write back.
pub fn st<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if st_hit::<N>(cpu, o) {
        return Flow::Next;
    }
    st_slow::<N>(cpu, env, o)
}

/// [`st`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn st_hit<const N: usize>(cpu: &mut Cpu, o: &Ops) -> bool {
    if let Some(b) = fast_base::<true>(cpu, o) {
        if cpu.store_hit::<N>(imm_addr(b, o), cpu.r(o.rd)) {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            return true;
        }
    }
    false
}

/// STR/STRB/STRH (unsigned offset): [`st`] with the offset always applied and no write-back;
/// `SP`: the base is SP.
pub fn st_ui<const N: usize, const SP: bool>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if st_ui_hit::<N, SP>(cpu, o) {
        return Flow::Next;
    }
    st_slow::<N>(cpu, env, o)
}

/// [`st_ui`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn st_ui_hit<const N: usize, const SP: bool>(cpu: &mut Cpu, o: &Ops) -> bool {
    fast_base::<SP>(cpu, o).is_some_and(|b| cpu.store_hit::<N>(b.wrapping_add(o.imm), cpu.r(o.rd)))
}

/// [`st`] past the fast path.
#[cold]
#[inline(never)]
fn st_slow<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let v = cpu.r(o.rd);
    match cpu.store::<N>(env, imm_addr(b, o), v) {
        Ok(()) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// Run `access` with EL0 permissions when at EL1 (the unprivileged loads and stores, DDI 0487
/// C6.2 LDTR: "as if executed at EL0"): the EL0 TLB set and translation are used for its
/// duration. At EL0 and at EL2 (no VHE) the access is an ordinary one.
#[inline(always)]
fn as_el0(cpu: &mut Cpu, access: impl FnOnce(&mut Cpu) -> Flow) -> Flow {
    if cpu.el != 1 {
        return access(cpu);
    }
    cpu.tlb.switch(IDX_EL0);
    let flow = access(cpu);
    // An abort has entered EL1 (which selects its set); otherwise go back to EL1's.
    let el = cpu.el as usize;
    cpu.tlb.switch(el);
    flow
}

/// LDTR/LDTRB/LDTRH/LDTRSB/LDTRSH/LDTRSW: [`ld`] with EL0 permissions at EL1.
pub fn ldt<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    as_el0(cpu, |cpu| ld::<N, E>(cpu, env, o))
}

/// STTR/STTRB/STTRH: [`st`] with EL0 permissions at EL1.
pub fn stt<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    as_el0(cpu, |cpu| st::<N>(cpu, env, o))
}

/// Index extension of a register-offset form ([`index_ext`]): a 64-bit index taken whole
/// (option x11: LSL/UXTX, SXTX).
pub const IX_X: u8 = 0;
/// Index extension: W zero-extended (option 010, UXTW).
pub const IX_UXTW: u8 = 1;
/// Index extension: W sign-extended (option 110, SXTW).
pub const IX_SXTW: u8 = 2;

/// The index extension ([`IX_X`], [`IX_UXTW`], [`IX_SXTW`]) of a register-offset form's option
/// field (`o.op`), one of the four allocated ones (option<1> = 1): option<0> set means a 64-bit
/// index, taken whole; else option<2> says sign or zero extension of W.
#[inline(always)]
pub fn index_ext(o: &Ops) -> u8 {
    if o.op & 1 != 0 {
        IX_X
    } else if o.op & 4 != 0 {
        IX_SXTW
    } else {
        IX_UXTW
    }
}

/// The pick of a `PER_INDEX` table line: the index extension ([`index_ext`]), each then by
/// [`base_is_sp`], in the order of the line's instantiations.
pub fn index_kind(o: &Ops) -> usize {
    2 * index_ext(o) as usize + base_is_sp(o)
}

/// The offset of a register-offset form with index extension `X`: `extend(Rm) << shift`.
#[inline(always)]
fn reg_offset<const X: u8>(cpu: &Cpu, o: &Ops) -> u64 {
    let v = cpu.r(o.rm);
    let x = match X {
        IX_X => v,
        IX_UXTW => v as u32 as u64,
        _ => v as i32 as u64,
    };
    x << o.shift
}

/// Address of a register-offset form: `base + extend(Rm, option) << shift`, the extension
/// taken from the option at run time ([`index_ext`]): for the slow paths and the SIMD&FP forms.
#[inline(always)]
pub(crate) fn reg_addr(cpu: &Cpu, o: &Ops) -> Result<u64, Trap> {
    let off = match index_ext(o) {
        IX_X => reg_offset::<IX_X>(cpu, o),
        IX_UXTW => reg_offset::<IX_UXTW>(cpu, o),
        _ => reg_offset::<IX_SXTW>(cpu, o),
    };
    Ok(base(cpu, o)?.wrapping_add(off))
}

/// LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW (register offset), index extension `X`; `SP`: the base is
/// SP.
pub fn ld_r<const N: usize, const E: u8, const X: u8, const SP: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    o: &Ops,
) -> Flow {
    if ld_r_hit::<N, E, X, SP>(cpu, o) {
        return Flow::Next;
    }
    ld_r_slow::<N, E>(cpu, env, o)
}

/// [`ld_r`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn ld_r_hit<const N: usize, const E: u8, const X: u8, const SP: bool>(
    cpu: &mut Cpu,
    o: &Ops,
) -> bool {
    if let Some(b) = fast_base::<SP>(cpu, o) {
        let a = b.wrapping_add(reg_offset::<X>(cpu, o));
        if let Some(v) = cpu.load_hit::<N>(a) {
            cpu.w(o.rd, ext::<N, E>(v));
            return true;
        }
    }
    false
}

/// [`ld_r`] past the fast path.
#[cold]
#[inline(never)]
fn ld_r_slow<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let r = reg_addr(cpu, o).and_then(|a| cpu.load::<N>(env, a));
    match r {
        Ok(v) => {
            cpu.w(o.rd, ext::<N, E>(v));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STR/STRB/STRH (register offset), index extension `X`; `SP`: the base is SP.
pub fn st_r<const N: usize, const X: u8, const SP: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    o: &Ops,
) -> Flow {
    if st_r_hit::<N, X, SP>(cpu, o) {
        return Flow::Next;
    }
    st_r_slow::<N>(cpu, env, o)
}

/// [`st_r`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn st_r_hit<const N: usize, const X: u8, const SP: bool>(cpu: &mut Cpu, o: &Ops) -> bool {
    fast_base::<SP>(cpu, o)
        .is_some_and(|b| cpu.store_hit::<N>(b.wrapping_add(reg_offset::<X>(cpu, o)), cpu.r(o.rd)))
}

/// [`st_r`] past the fast path.
#[cold]
#[inline(never)]
fn st_r_slow<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let v = cpu.r(o.rd);
    match reg_addr(cpu, o).and_then(|a| cpu.store::<N>(env, a, v)) {
        Ok(()) => Flow::Next,
        Err(t) => cpu.raise(t),
    }
}

/// LDR (literal) W/X, LDRSW (literal): load from PC + `imm`.
pub fn ld_lit<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    match cpu.load::<N>(env, cpu.pc.wrapping_add(o.imm)) {
        Ok(v) => {
            cpu.w(o.rd, ext::<N, E>(v));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// PRFM/PRFUM (all forms): a hint; never faults, not even for SP alignment.
pub fn prfm(_: &mut Cpu, _: &mut Env, _: &Ops) -> Flow {
    Flow::Next
}

/// Load two consecutive `N`-byte elements at `a` (one access for W pairs).
#[inline(always)]
fn load_pair<const N: usize>(cpu: &mut Cpu, env: &mut Env, a: u64) -> Result<(u64, u64), Trap> {
    // Each element is its own single-copy-atomic access with its own alignment (a W pair
    // 4-byte aligned is fine on Device memory), so no merging into one 8-byte access.
    let lo = cpu.load::<N>(env, a)?;
    let hi = cpu.load::<N>(env, a.wrapping_add(N as u64))?;
    Ok((lo, hi))
}

/// Store two consecutive `N`-byte elements at `a`.
#[inline(always)]
fn store_pair<const N: usize>(
    cpu: &mut Cpu,
    env: &mut Env,
    a: u64,
    lo: u64,
    hi: u64,
) -> Result<(), Trap> {
    // As in `load_pair`: one access per element. If the second faults, the first may have been
    // written: the Arm ARM leaves the stored locations UNKNOWN in that case.
    cpu.store::<N>(env, a, lo)?;
    cpu.store::<N>(env, a.wrapping_add(N as u64), hi)
}

/// LDP/LDNP (W/X), LDPSW, all forms: Rt and Rt2 (`ra`) from two consecutive elements; neither
/// register changes if either access faults; `SP`: the base is SP.
pub fn ldp<const N: usize, const E: u8, const SP: bool>(
    cpu: &mut Cpu,
    env: &mut Env,
    o: &Ops,
) -> Flow {
    if ldp_hit::<N, E, SP>(cpu, o) {
        return Flow::Next;
    }
    ldp_slow::<N, E>(cpu, env, o)
}

/// [`ldp`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn ldp_hit<const N: usize, const E: u8, const SP: bool>(cpu: &mut Cpu, o: &Ops) -> bool {
    if let Some(b) = fast_base::<SP>(cpu, o) {
        if let Some((lo, hi)) = cpu.load_pair_hit::<N>(imm_addr(b, o)) {
            cpu.w(o.rd, ext::<N, E>(lo));
            cpu.w(o.ra, ext::<N, E>(hi));
            cpu.w(o.rm, b.wrapping_add(o.imm));
            return true;
        }
    }
    false
}

/// [`ldp`] past the fast path.
#[cold]
#[inline(never)]
fn ldp_slow<const N: usize, const E: u8>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    match load_pair::<N>(cpu, env, imm_addr(b, o)) {
        Ok((lo, hi)) => {
            cpu.w(o.rd, ext::<N, E>(lo));
            cpu.w(o.ra, ext::<N, E>(hi));
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STP/STNP (W/X), all forms: Rt and Rt2 (`ra`) to two consecutive elements; `SP`: the base
/// is SP.
pub fn stp<const N: usize, const SP: bool>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    if stp_hit::<N, SP>(cpu, o) {
        return Flow::Next;
    }
    stp_slow::<N>(cpu, env, o)
}

/// [`stp`]'s fast path, as [`ld_hit`].
#[inline(always)]
pub fn stp_hit<const N: usize, const SP: bool>(cpu: &mut Cpu, o: &Ops) -> bool {
    if let Some(b) = fast_base::<SP>(cpu, o) {
        // A miss on the second element leaves the first stored; the slow path stores both
        // again (RAM, the same bytes: nothing observable).
        if cpu.store_pair_hit::<N>(imm_addr(b, o), cpu.r(o.rd), cpu.r(o.ra)) {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            return true;
        }
    }
    false
}

/// [`stp`] past the fast path.
#[cold]
#[inline(never)]
fn stp_slow<const N: usize>(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let b = match base(cpu, o) {
        Ok(b) => b,
        Err(t) => return cpu.raise(t),
    };
    let (lo, hi) = (cpu.r(o.rd), cpu.r(o.ra));
    match store_pair::<N>(cpu, env, imm_addr(b, o), lo, hi) {
        Ok(()) => {
            cpu.w(o.rm, b.wrapping_add(o.imm));
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// Base address of an exclusive or ordered access of `size` bytes: SP check, then alignment.
#[inline]
fn aligned_base(cpu: &Cpu, o: &Ops, size: u64, write: bool) -> Result<u64, Trap> {
    let a = base(cpu, o)?;
    cpu.check_aligned(a, size, write)?;
    Ok(a)
}

/// LDXR/LDAXR (B/H/W/X; `op` = size in bytes): load and open the exclusive monitor.
pub fn ldxr(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = o.op;
    let r = aligned_base(cpu, o, size as u64, false)
        .and_then(|a| Ok((a, cpu.load_sized(env, a, size)?)));
    match r {
        Ok((a, v)) => {
            cpu.exclusive = Some((a, size));
            cpu.w(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// Whether a store-exclusive of `size` bytes at `a` passes the monitor; the monitor is closed
/// either way (AArch64.ExclusiveMonitorsPass).
#[inline]
fn monitor_pass(cpu: &mut Cpu, a: u64, size: u8) -> bool {
    cpu.exclusive.take() == Some((a, size))
}

/// STXR/STLXR (B/H/W/X; `op` = size in bytes): store if the monitor is open for this address
/// and size; Rs (`rm`) = 0 on success, 1 on failure.
pub fn stxr(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = o.op;
    let a = match aligned_base(cpu, o, size as u64, true) {
        Ok(a) => a,
        Err(t) => return cpu.raise(t),
    };
    let status = if monitor_pass(cpu, a, size) {
        let v = cpu.r(o.rd);
        if let Err(t) = cpu.store_sized(env, a, size, v) {
            return cpu.raise(t);
        }
        0
    } else {
        1
    };
    cpu.w(o.rm, status);
    Flow::Next
}

/// LDXP/LDAXP (W/X; `op` = element size): load a pair aligned to its total size and open the
/// monitor for the whole pair.
pub fn ldxp(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = 2 * o.op;
    let r = aligned_base(cpu, o, size as u64, false).and_then(|a| {
        let p = if o.op == 4 {
            load_pair::<4>(cpu, env, a)
        } else {
            load_pair::<8>(cpu, env, a)
        };
        Ok((a, p?))
    });
    match r {
        Ok((a, (lo, hi))) => {
            cpu.exclusive = Some((a, size));
            cpu.w(o.rd, lo);
            cpu.w(o.ra, hi);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STXP/STLXP (W/X; `op` = element size): store the pair if the monitor is open for it;
/// Rs (`rm`) = 0 on success, 1 on failure.
pub fn stxp(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = 2 * o.op;
    let a = match aligned_base(cpu, o, size as u64, true) {
        Ok(a) => a,
        Err(t) => return cpu.raise(t),
    };
    let status = if monitor_pass(cpu, a, size) {
        let (lo, hi) = (cpu.r(o.rd), cpu.r(o.ra));
        let r = if o.op == 4 {
            store_pair::<4>(cpu, env, a, lo, hi)
        } else {
            store_pair::<8>(cpu, env, a, lo, hi)
        };
        if let Err(t) = r {
            return cpu.raise(t);
        }
        0
    } else {
        1
    };
    cpu.w(o.rm, status);
    Flow::Next
}

/// LDAR/LDARB/LDARH (`op` = size in bytes): naturally aligned load-acquire.
pub fn ldar(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = o.op;
    let r = aligned_base(cpu, o, size as u64, false).and_then(|a| cpu.load_sized(env, a, size));
    match r {
        Ok(v) => {
            cpu.w(o.rd, v);
            Flow::Next
        }
        Err(t) => cpu.raise(t),
    }
}

/// STLR/STLRB/STLRH (`op` = size in bytes): naturally aligned store-release.
pub fn stlr(cpu: &mut Cpu, env: &mut Env, o: &Ops) -> Flow {
    let size = o.op;
    let v = cpu.r(o.rd);
    let r = aligned_base(cpu, o, size as u64, true).and_then(|a| cpu.store_sized(env, a, size, v));
    match r {
        Ok(()) => Flow::Next,
        Err(t) => cpu.raise(t),
    }
}

#[cfg(test)]
mod tests {
    //! Instruction words come from `aarch64-linux-gnu-as` (the disassembly is in the comments);
    //! expected values follow the Arm ARM pseudocode of each instruction.
    use crate::aarch64::flat::FlatBus;
    use crate::aarch64::mmu::tests::{identity_map, AF};
    use crate::aarch64::state::REG_SP;
    use crate::aarch64::sysreg::Reg;
    use crate::aarch64::{BlockCache, Cpu, Exit};

    const RAM: u64 = 0x4000_0000;
    const RAM_SIZE: usize = 0x10000;
    const DATA: u64 = RAM + 0x8000;
    /// VBAR_EL1/EL2 in the tests; the current-EL SPx synchronous vector holds HVC #0.
    const VBAR: u64 = RAM + 0x1000;
    /// The identity map's three tables.
    const TABLES: u64 = RAM + 0x3000;
    const HVC0: u32 = 0xd400_0002;

    /// A vCPU at `el` with stage 1 on (identity map, Normal memory) and a bus with `code` at
    /// RAM, data bytes `i as u8` at DATA..DATA+256 and an HVC #0 at the synchronous vectors.
    fn setup(el: u8, code: &[u32]) -> (Cpu, FlatBus) {
        let mut bus = FlatBus::new(RAM, RAM_SIZE);
        bus.load_words(RAM, code);
        bus.load_words(VBAR + 0x200, &[HVC0]);
        let pattern: Vec<u8> = (0..=255u8).collect();
        bus.load(DATA, &pattern);
        let mut cpu = Cpu::new(el);
        cpu.pc = RAM;
        cpu.sys.set(Reg::VbarEl1, VBAR);
        cpu.sys.set(Reg::VbarEl2, VBAR);
        // Normal memory (with stage 1 off, data accesses would be Device-nGnRnE and unaligned
        // ones would fault); the pages from DATA on are EL0 read-write too (LDTR/STTR at EL1).
        identity_map(&mut cpu, &mut bus, TABLES, RAM, |pa| {
            if pa >= DATA {
                AF | 1 << 6
            } else {
                AF
            }
        });
        (cpu, bus)
    }

    fn go(cpu: &mut Cpu, bus: &mut FlatBus) -> Exit {
        cpu.run(&mut BlockCache::new(), bus, 1000)
    }

    fn q(bus: &FlatBus, addr: u64) -> u64 {
        let o = (addr - RAM) as usize;
        u64::from_le_bytes(bus.ram()[o..o + 8].try_into().unwrap())
    }

    fn put_q(bus: &mut FlatBus, addr: u64, v: u64) {
        bus.load(addr, &v.to_le_bytes());
    }

    /// Run `code` expecting a synchronous exception at its first instruction taken to EL1;
    /// returns (ESR_EL1, FAR_EL1).
    fn fault(cpu: &mut Cpu, bus: &mut FlatBus) -> (u64, u64) {
        assert_eq!(go(cpu, bus), Exit::Hvc(0));
        assert_eq!(cpu.pc, VBAR + 0x204, "took the current-EL SPx vector");
        assert_eq!(cpu.sys.get(Reg::ElrEl1), RAM);
        (cpu.sys.get(Reg::EsrEl1), cpu.sys.get(Reg::FarEl1))
    }

    /// Data abort from the same EL (EC 0x25), with WnR and DFSC.
    fn assert_dabt(esr: u64, write: bool, dfsc: u64) {
        assert_eq!(esr >> 26, 0x25, "EC: data abort, same EL");
        assert_eq!(esr >> 6 & 1, write as u64, "WnR");
        assert_eq!(esr & 0x3f, dfsc, "DFSC");
    }

    #[test]
    fn unsigned_offset_all_sizes() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xf940_0420, // ldr x0, [x1, #8]
                0xb940_0422, // ldr w2, [x1, #4]
                0x7940_0423, // ldrh w3, [x1, #2]
                0x3940_0424, // ldrb w4, [x1, #1]
                0xf900_0825, // str x5, [x1, #16]
                0xb900_2025, // str w5, [x1, #32]
                0x7900_5025, // strh w5, [x1, #40]
                0x3900_c025, // strb w5, [x1, #48]
                0xf900_1c3f, // str xzr, [x1, #56]
                0xf940_003f, // ldr xzr, [x1]
                HVC0,
            ],
        );
        cpu.x[1] = DATA;
        cpu.x[2] = u64::MAX;
        cpu.x[3] = u64::MAX;
        cpu.x[4] = u64::MAX;
        cpu.x[5] = 0x1122_3344_5566_7788;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x0f0e_0d0c_0b0a_0908);
        assert_eq!(cpu.x[2], 0x0706_0504); // W loads zero the upper half
        assert_eq!(cpu.x[3], 0x0302);
        assert_eq!(cpu.x[4], 0x01);
        assert_eq!(q(&bus, DATA + 16), 0x1122_3344_5566_7788);
        assert_eq!(q(&bus, DATA + 32), 0x2726_2524_5566_7788);
        assert_eq!(q(&bus, DATA + 40), 0x2f2e_2d2c_2b2a_7788);
        assert_eq!(q(&bus, DATA + 48), 0x3736_3534_3332_3188);
        assert_eq!(q(&bus, DATA + 56), 0);
        assert_eq!(cpu.x[1], DATA);
    }

    #[test]
    fn sign_extension() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0x3980_0020, // ldrsb x0, [x1]
                0x39c0_0022, // ldrsb w2, [x1]
                0x7980_0423, // ldrsh x3, [x1, #2]
                0x79c0_0424, // ldrsh w4, [x1, #2]
                0xb980_0425, // ldrsw x5, [x1, #4]
                0x3980_2026, // ldrsb x6, [x1, #8]
                0x78df_e027, // ldursh w7, [x1, #-2]
                HVC0,
            ],
        );
        bus.load(DATA - 2, &[0x00, 0x80, 0x80, 0xff, 0x01, 0x80]);
        bus.load(DATA + 4, &0x8000_0002u32.to_le_bytes());
        bus.load(DATA + 8, &[0x7f]);
        cpu.x[1] = DATA;
        cpu.x[2] = u64::MAX;
        cpu.x[4] = u64::MAX;
        cpu.x[7] = u64::MAX;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0xffff_ffff_ffff_ff80);
        assert_eq!(cpu.x[2], 0xffff_ff80);
        assert_eq!(cpu.x[3], 0xffff_ffff_ffff_8001);
        assert_eq!(cpu.x[4], 0xffff_8001);
        assert_eq!(cpu.x[5], 0xffff_ffff_8000_0002);
        assert_eq!(cpu.x[6], 0x7f);
        assert_eq!(cpu.x[7], 0xffff_8000);
    }

    #[test]
    fn writeback_and_imm9_forms() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xf840_8420, // ldr x0, [x1], #8
                0xf840_8c22, // ldr x2, [x1, #8]!
                0xf81f_0483, // str x3, [x4], #-16
                0x381f_fca3, // strb w3, [x5, #-1]!
                0xf85f_d026, // ldur x6, [x1, #-3]
                0xb840_4827, // ldtr w7, [x1, #4]
                0x7800_2883, // sttrh w3, [x4, #2]
                0xb880_4528, // ldrsw x8, [x9], #4
                HVC0,
            ],
        );
        cpu.x[1] = DATA;
        cpu.x[3] = 0x1122_3344_5566_7788;
        cpu.x[4] = DATA + 0x100;
        cpu.x[5] = DATA + 0x201;
        cpu.x[9] = DATA + 0x300;
        bus.load(DATA + 0x300, &0xffff_fff0u32.to_le_bytes());
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x0706_0504_0302_0100);
        assert_eq!(cpu.x[2], 0x1716_1514_1312_1110);
        assert_eq!(cpu.x[1], DATA + 16);
        assert_eq!(q(&bus, DATA + 0x100), 0x1122_3344_5566_7788);
        assert_eq!(cpu.x[4], DATA + 0xf0);
        assert_eq!(bus.ram()[(DATA + 0x200 - RAM) as usize], 0x88);
        assert_eq!(cpu.x[5], DATA + 0x200);
        assert_eq!(cpu.x[6], 0x1413_1211_100f_0e0d);
        assert_eq!(cpu.x[7], 0x1716_1514);
        assert_eq!(q(&bus, DATA + 0xf0), 0xf7f6_f5f4_7788_f1f0);
        assert_eq!(cpu.x[8], (-16i64) as u64);
        assert_eq!(cpu.x[9], DATA + 0x304);
    }

    #[test]
    fn register_offset() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xf862_7820, // ldr x0, [x1, x2, lsl #3]
                0xb864_d823, // ldr w3, [x1, w4, sxtw #2]
                0x3862_6825, // ldrb w5, [x1, x2]
                0x7869_5826, // ldrh w6, [x1, w9, uxtw #1]
                0xf86b_d82a, // ldr x10, [x1, w11, sxtw #3]
                0x3869_482c, // ldrb w12, [x1, w9, uxtw]
                0xf8a2_6820, // prfm pldl1keep, [x1, x2]
                0xf824_e827, // str x7, [x1, x4, sxtx]
                0xb8a2_4828, // ldrsw x8, [x1, w2, uxtw]
                HVC0,
            ],
        );
        cpu.x[1] = DATA;
        cpu.x[2] = 2;
        cpu.x[4] = u64::MAX; // SXTW and SXTX: -1
        cpu.x[7] = 0x8899_aabb_ccdd_eeff;
        cpu.x[9] = 0xffff_ffff_0000_0003; // UXTW drops the upper half
        cpu.x[11] = 0x0000_0001_ffff_fffe; // SXTW: -2
        bus.load(DATA - 16, &0xdead_beef_u32.to_le_bytes());
        bus.load(DATA - 4, &0x1234_5678_u32.to_le_bytes());
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x1716_1514_1312_1110);
        assert_eq!(cpu.x[3], 0x1234_5678);
        assert_eq!(cpu.x[5], 0x02);
        assert_eq!(cpu.x[6], 0x0706);
        assert_eq!(cpu.x[10], 0xdead_beef);
        assert_eq!(cpu.x[12], 0x03);
        assert_eq!(q(&bus, DATA - 1), 0x8899_aabb_ccdd_eeff);
        assert_eq!(cpu.x[8], 0xffff_ffff_99aa_bbcc);
    }

    #[test]
    fn literal_loads() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0x5800_00a0, // ldr x0, l1
                0x1800_0081, // ldr w1, l1
                0x9800_00a2, // ldrsw x2, l2
                0xd800_0040, // prfm pldl1keep, l1
                HVC0,
                0x4433_2211, // l1
                0x8877_6655,
                0x8000_0001, // l2
            ],
        );
        cpu.x[1] = u64::MAX;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x8877_6655_4433_2211);
        assert_eq!(cpu.x[1], 0x4433_2211);
        assert_eq!(cpu.x[2], 0xffff_ffff_8000_0001);
    }

    #[test]
    fn pairs() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xa9bf_07e0, // stp x0, x1, [sp, #-16]!
                0xa8c1_0fe2, // ldp x2, x3, [sp], #16
                0x2941_14c4, // ldp w4, w5, [x6, #8]
                0x6941_20c7, // ldpsw x7, x8, [x6, #8]
                0x293f_04c0, // stp w0, w1, [x6, #-8]
                0xa801_00c1, // stnp x1, x0, [x6, #16]
                0xa841_28c9, // ldnp x9, x10, [x6, #16]
                0xa9ff_31ab, // ldp x11, x12, [x13, #-16]!
                HVC0,
            ],
        );
        cpu.x[0] = 1;
        cpu.x[1] = 2;
        cpu.x[REG_SP as usize] = DATA + 0x100;
        cpu.x[6] = DATA + 0x40;
        cpu.x[13] = DATA + 0x60;
        cpu.x[5] = u64::MAX;
        bus.load(DATA + 0x48, &0x8000_0000u32.to_le_bytes());
        bus.load(DATA + 0x4c, &0x7fff_ffffu32.to_le_bytes());
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(q(&bus, DATA + 0xf0), 1);
        assert_eq!(q(&bus, DATA + 0xf8), 2);
        assert_eq!((cpu.x[2], cpu.x[3]), (1, 2));
        assert_eq!(cpu.x[REG_SP as usize], DATA + 0x100);
        assert_eq!((cpu.x[4], cpu.x[5]), (0x8000_0000, 0x7fff_ffff));
        assert_eq!((cpu.x[7], cpu.x[8]), (0xffff_ffff_8000_0000, 0x7fff_ffff));
        assert_eq!(q(&bus, DATA + 0x38), 0x0000_0002_0000_0001);
        assert_eq!((q(&bus, DATA + 0x50), q(&bus, DATA + 0x58)), (2, 1));
        assert_eq!((cpu.x[9], cpu.x[10]), (2, 1));
        assert_eq!((cpu.x[11], cpu.x[12]), (2, 1));
        assert_eq!(cpu.x[13], DATA + 0x50);
        assert_eq!(cpu.x[6], DATA + 0x40);
    }

    #[test]
    fn exclusives_and_ordered() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xc85f_7c20, // ldxr x0, [x1]
                0xc802_7c23, // stxr w2, x3, [x1]        ok
                0xc804_7c25, // stxr w4, x5, [x1]        monitor closed: fails
                0x085f_fc26, // ldaxrb w6, [x1]
                0x4807_fc25, // stlxrh w7, w5, [x1]      size differs: fails
                0x485f_7c28, // ldxrh w8, [x1]
                0x4809_fc25, // stlxrh w9, w5, [x1]      ok
                0xc87f_2d8a, // ldxp x10, x11, [x12]
                0xc82d_298b, // stxp w13, x11, x10, [x12] ok
                0x887f_bc2e, // ldaxp w14, w15, [x1]
                0x8830_b82f, // stlxp w16, w15, w14, [x1] ok
                0x08df_fc31, // ldarb w17, [x1]
                0x489f_fc25, // stlrh w5, [x1]
                0xc8df_fc32, // ldar x18, [x1]
                0xc81f_7c23, // stxr wzr, x3, [x1]       fails, status discarded
                HVC0,
            ],
        );
        cpu.x[1] = DATA;
        cpu.x[3] = 0x3333;
        cpu.x[5] = 0x5555_6666_7777_8888;
        cpu.x[12] = DATA + 0x20;
        for r in [2, 4, 7, 9, 13, 16] {
            cpu.x[r] = 0xff;
        }
        put_q(&mut bus, DATA, 0x1111);
        put_q(&mut bus, DATA + 0x20, 0xa);
        put_q(&mut bus, DATA + 0x28, 0xb);
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x1111);
        assert_eq!(cpu.x[2], 0);
        assert_eq!(cpu.x[4], 1);
        assert_eq!(cpu.x[6], 0x33);
        assert_eq!(cpu.x[7], 1);
        assert_eq!(cpu.x[8], 0x3333);
        assert_eq!(cpu.x[9], 0);
        assert_eq!((cpu.x[10], cpu.x[11]), (0xa, 0xb));
        assert_eq!(cpu.x[13], 0);
        assert_eq!((q(&bus, DATA + 0x20), q(&bus, DATA + 0x28)), (0xb, 0xa));
        assert_eq!((cpu.x[14], cpu.x[15]), (0x8888, 0));
        assert_eq!(cpu.x[16], 0);
        assert_eq!(cpu.x[17], 0);
        assert_eq!(cpu.x[18], 0x0000_8888_0000_8888);
        assert_eq!(q(&bus, DATA), 0x0000_8888_0000_8888);
        assert_eq!(cpu.exclusive, None);
    }

    #[test]
    fn exclusive_and_ordered_alignment_faults() {
        for (word, addr, write) in [
            (0xc85f_7c20, DATA + 4, false), // ldxr x0, [x1]
            (0x889f_fc20, DATA + 2, true),  // stlr w0, [x1]
            (0xc87f_0c22, DATA + 8, false), // ldxp x2, x3, [x1]: 16-byte alignment
            (0xc802_7c23, DATA + 1, true),  // stxr w2, x3, [x1]: even with the monitor closed
        ] {
            let (mut cpu, mut bus) = setup(1, &[word, HVC0]);
            cpu.x[1] = addr;
            cpu.x[2] = 0x77;
            let (esr, far) = fault(&mut cpu, &mut bus);
            assert_dabt(esr, write, 0x21);
            assert_eq!(far, addr);
            assert_eq!(cpu.x[2], 0x77, "no register written");
        }
    }

    #[test]
    fn sp_alignment_check() {
        let code = [
            0xf940_07e0, // ldr x0, [sp, #8]
            0xf940_0041, // ldr x1, [x2]
            0xf840_0be3, // ldtr x3, [sp]
            HVC0,
        ];
        // SCTLR_EL1.SA set, SP misaligned: SP alignment fault (EC 0x26), nothing loaded.
        let (mut cpu, mut bus) = setup(1, &code);
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) | 1 << 3);
        cpu.x[REG_SP as usize] = DATA + 8;
        let (esr, _) = fault(&mut cpu, &mut bus);
        assert_eq!(esr >> 26, 0x26);
        assert_eq!(cpu.x[0], 0);
        // SA clear: the same accesses run.
        let (mut cpu, mut bus) = setup(1, &code);
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) & !(1 << 3));
        cpu.x[REG_SP as usize] = DATA + 8;
        cpu.x[2] = DATA + 3;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x1716_1514_1312_1110);
        assert_eq!(cpu.x[1], 0x0a09_0807_0605_0403);
        assert_eq!(cpu.x[3], 0x0f0e_0d0c_0b0a_0908);
        // SA set, SP aligned: a misaligned non-SP base is no concern of the check.
        let (mut cpu, mut bus) = setup(1, &code);
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) | 1 << 3);
        cpu.x[REG_SP as usize] = DATA + 16;
        cpu.x[2] = DATA + 3;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x1f1e_1d1c_1b1a_1918);
        assert_eq!(cpu.x[1], 0x0a09_0807_0605_0403);
        assert_eq!(cpu.x[3], 0x1716_1514_1312_1110);
    }

    /// The loads and stores instantiated per base at decode time (`PER_SP`, `PER_INDEX`) test
    /// SP's alignment on their TLB-hit path only when the base is SP: with the page in the TLB
    /// (loaded and stored through X2 first), every SP form still takes the check, with each
    /// size, each index extension, pairs and stores.
    #[test]
    fn sp_alignment_check_on_the_tlb_hit_path() {
        let forms = [
            0xf864_6be0u32, // ldr x0, [sp, x4]
            0xb864_4be0,    // ldr w0, [sp, w4, uxtw]
            0x38a4_cbe0,    // ldrsb x0, [sp, w4, sxtw]
            0xf824_7be0,    // str x0, [sp, x4, lsl #3]
            0x3824_cbe0,    // strb w0, [sp, w4, sxtw]
            0xf940_07e0,    // ldr x0, [sp, #8]
            0x79c0_07e0,    // ldrsh w0, [sp, #2]
            0x7900_07e0,    // strh w0, [sp, #2]
            0xa941_07e0,    // ldp x0, x1, [sp, #16]
            0x6941_07e0,    // ldpsw x0, x1, [sp, #8]
            0x2900_07e0,    // stp w0, w1, [sp]
        ];
        for w in forms {
            // ldr x9, [x2]; str x9, [x2]; the SP form; hvc #0
            let code = [0xf940_0049, 0xf900_0049, w, HVC0];
            for sa in [true, false] {
                let (mut cpu, mut bus) = setup(1, &code);
                let sctlr = cpu.sys.get(Reg::SctlrEl1) & !(1 << 3);
                cpu.sys.set(Reg::SctlrEl1, sctlr | (sa as u64) << 3);
                cpu.x[2] = DATA;
                cpu.x[4] = 0;
                // 8-byte aligned (every access is aligned to its size), not 16.
                cpu.x[REG_SP as usize] = DATA + 0x48;
                assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0), "{w:#010x}");
                if sa {
                    assert_eq!(cpu.pc, VBAR + 0x204, "{w:#010x}: took the vector");
                    assert_eq!(cpu.sys.get(Reg::ElrEl1), RAM + 8, "{w:#010x}");
                    assert_eq!(cpu.sys.get(Reg::EsrEl1) >> 26, 0x26, "{w:#010x}");
                } else {
                    assert_eq!(cpu.pc, RAM + 16, "{w:#010x}: ran to the HVC");
                }
            }
        }
    }

    /// The register-offset forms instantiated per index extension (`PER_INDEX`) on their
    /// TLB-hit path (the page loaded and stored through X2 first): W sign- and zero-extended,
    /// X whole with LSL and SXTX.
    #[test]
    fn register_offset_on_the_tlb_hit_path() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xf940_0049, // ldr x9, [x2]
                0xf900_0049, // str x9, [x2]
                0xf864_c840, // ldr x0, [x2, w4, sxtw]
                0xf865_4841, // ldr x1, [x2, w5, uxtw]
                0xf866_6843, // ldr x3, [x2, x6]
                0xf866_e847, // ldr x7, [x2, x6, sxtx]
                0x78a4_d848, // ldrsh x8, [x2, w4, sxtw #1]
                0x3824_c843, // strb w3, [x2, w4, sxtw]
                HVC0,
            ],
        );
        cpu.x[2] = DATA + 0x40;
        cpu.x[4] = 0x0000_0001_ffff_fff8; // SXTW: -8 (UXTW or X would leave RAM)
        cpu.x[5] = 0xffff_ffff_0000_0008; // UXTW: 8
        cpu.x[6] = (-16i64) as u64;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x3f3e_3d3c_3b3a_3938);
        assert_eq!(cpu.x[1], 0x4f4e_4d4c_4b4a_4948);
        assert_eq!(cpu.x[3], 0x3736_3534_3332_3130);
        assert_eq!(cpu.x[7], 0x3736_3534_3332_3130);
        assert_eq!(cpu.x[8], 0x3130);
        assert_eq!(q(&bus, DATA + 0x38), 0x3f3e_3d3c_3b3a_3930);
    }

    #[test]
    fn sp_alignment_uses_the_base_before_writeback_and_skips_prefetch() {
        let code = [
            0xa9bf_87e0, // stp x0, x1, [sp, #-8]!
            0xf880_13e0, // prfum pldl1keep, [sp, #1]
            HVC0,
        ];
        // SP misaligned, the pre-indexed address aligned: still a fault.
        let (mut cpu, mut bus) = setup(1, &code);
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) | 1 << 3);
        cpu.x[REG_SP as usize] = DATA + 0x108;
        let (esr, _) = fault(&mut cpu, &mut bus);
        assert_eq!(esr >> 26, 0x26);
        assert_eq!(cpu.sp_of(1), DATA + 0x108, "no writeback");
        // SP aligned: the pre-index makes it misaligned, the prefetch does not check.
        let (mut cpu, mut bus) = setup(1, &code);
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) | 1 << 3);
        cpu.x[REG_SP as usize] = DATA + 0x100;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[REG_SP as usize], DATA + 0xf8);
    }

    #[test]
    fn sp_alignment_at_el2_uses_sctlr_el2() {
        let (mut cpu, mut bus) = setup(2, &[0xf940_07e0, HVC0]); // ldr x0, [sp, #8]
        cpu.sys
            .set(Reg::SctlrEl1, cpu.sys.get(Reg::SctlrEl1) & !(1 << 3));
        cpu.sys
            .set(Reg::SctlrEl2, cpu.sys.get(Reg::SctlrEl2) | 1 << 3);
        cpu.x[REG_SP as usize] = DATA + 4;
        // HVC at EL2 with EL2 implemented is an exception to EL2; stop after the SP fault.
        assert_eq!(cpu.run(&mut BlockCache::new(), &mut bus, 1), Exit::Budget);
        assert_eq!(cpu.el, 2);
        assert_eq!(cpu.pc, VBAR + 0x200);
        assert_eq!(cpu.sys.get(Reg::EsrEl2) >> 26, 0x26);
        assert_eq!(cpu.sys.get(Reg::ElrEl2), RAM);
    }

    #[test]
    fn page_crossing_unaligned_accesses() {
        let (mut cpu, mut bus) = setup(
            1,
            &[
                0xf940_0020, // ldr x0, [x1]
                0xf900_0062, // str x2, [x3]
                0x2940_14c4, // ldp w4, w5, [x6]
                0xa900_14e4, // stp x4, x5, [x7]
                HVC0,
            ],
        );
        let page = DATA + 0x1000; // a page boundary
        bus.load(page - 4, &[1, 2, 3, 4, 5, 6, 7, 8]);
        bus.load(
            page + 0x1ffe,
            &[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88],
        );
        cpu.x[1] = page - 4;
        cpu.x[2] = 0xa1a2_a3a4_a5a6_a7a8;
        cpu.x[3] = page + 0x1000 - 3;
        cpu.x[6] = page + 0x1ffe;
        cpu.x[7] = page + 0x3000 - 8;
        assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0x0807_0605_0403_0201);
        assert_eq!(q(&bus, page + 0x1000 - 3), 0xa1a2_a3a4_a5a6_a7a8);
        assert_eq!((cpu.x[4], cpu.x[5]), (0x4433_2211, 0x8877_6655));
        assert_eq!(q(&bus, page + 0x3000 - 8), 0x4433_2211);
        assert_eq!(q(&bus, page + 0x3000), 0x8877_6655);
    }

    /// Aligned LDP/STP whose elements lie in one page or in two, run twice: the first run fills
    /// the data TLB through the slow path, the second takes the hit path for both elements
    /// (one lookup within a page, one per page across pages), with the same results. The
    /// second page of each crossing pair is mapped elsewhere than after the first, so that an
    /// element reached through the other page's entry would be read or written at a wrong place.
    #[test]
    fn pairs_within_a_page_and_across_pages_on_the_tlb_hit_path() {
        let code = [
            0xa940_14c4, // ldp x4, x5, [x6]
            0xa900_10e5, // stp x5, x4, [x7]
            0xa940_2d0a, // ldp x10, x11, [x8]
            0xa900_292b, // stp x11, x10, [x9]
            HVC0,
        ];
        let (mut cpu, mut bus) = setup(1, &code);
        let (page, page2) = (DATA + 0x1000, DATA + 0x3000);
        // VA page -> PA page + 0x4000, VA page2 -> PA page2 + 0x3000 (the identity map's
        // level-3 entries, attributes kept).
        for (va, pa) in [(page, page + 0x4000), (page2, page2 + 0x3000)] {
            let entry = TABLES + 0x2000 + 8 * ((va - RAM) >> 12);
            let attributes = q(&bus, entry) & !0xffff_ffff_f000;
            put_q(&mut bus, entry, attributes | pa);
        }
        put_q(&mut bus, page - 8, 0x1111_2222_3333_4444);
        put_q(&mut bus, page, 0xdead_dead_dead_dead); // what VA page would read unmapped
        put_q(&mut bus, page + 0x4000, 0x5555_6666_7777_8888);
        put_q(&mut bus, page + 0x1010, 0x9999_aaaa_bbbb_cccc);
        put_q(&mut bus, page + 0x1018, 0xdddd_eeee_ffff_0000);
        for run in 0..2 {
            for pa in [
                page2 - 8,
                page2,
                page2 + 0x3000,
                page + 0x1100,
                page + 0x1108,
            ] {
                put_q(&mut bus, pa, 0);
            }
            cpu.pc = RAM;
            cpu.x[6] = page - 8; // across the boundary at `page`
            cpu.x[7] = page2 - 8; // across the boundary at `page2`
            cpu.x[8] = page + 0x1010; // within one page
            cpu.x[9] = page + 0x1100;
            assert_eq!(go(&mut cpu, &mut bus), Exit::Hvc(0), "run {run}");
            let loaded = (cpu.x[4], cpu.x[5]);
            assert_eq!(
                loaded,
                (0x1111_2222_3333_4444, 0x5555_6666_7777_8888),
                "run {run}"
            );
            assert_eq!(q(&bus, page2 - 8), 0x5555_6666_7777_8888, "run {run}");
            assert_eq!(q(&bus, page2 + 0x3000), 0x1111_2222_3333_4444, "run {run}");
            assert_eq!(q(&bus, page2), 0, "run {run}");
            let loaded = (cpu.x[10], cpu.x[11]);
            assert_eq!(
                loaded,
                (0x9999_aaaa_bbbb_cccc, 0xdddd_eeee_ffff_0000),
                "run {run}"
            );
            assert_eq!(q(&bus, page + 0x1100), 0xdddd_eeee_ffff_0000, "run {run}");
            assert_eq!(q(&bus, page + 0x1108), 0x9999_aaaa_bbbb_cccc, "run {run}");
        }
    }

    #[test]
    fn store_to_code_is_seen_after_the_branch() {
        let code = [
            0x1800_00a1, // ldr w1, new
            0xb900_0041, // str w1, [x2]
            0x1400_0001, // b patched
            0xd503_201f, // patched: nop
            HVC0,
            0x9100_1400, // new: add x0, x0, #5
        ];
        let (mut cpu, mut bus) = setup(1, &code);
        let mut cache = BlockCache::new();
        // Decode and run the block at `patched` first, so that it is cached.
        cpu.pc = RAM + 12;
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 0);
        cpu.pc = RAM;
        cpu.x[2] = RAM + 12;
        assert_eq!(cpu.run(&mut cache, &mut bus, 100), Exit::Hvc(0));
        assert_eq!(cpu.x[0], 5);
    }

    #[test]
    fn accesses_outside_ram_are_external_aborts() {
        for (word, write) in [
            (0xf940_0020, false), // ldr x0, [x1]
            (0xf900_0020, true),  // str x0, [x1]
            (0xa900_14e1, true),  // stp x1, x5, [x7]
        ] {
            let (mut cpu, mut bus) = setup(1, &[word, HVC0]);
            cpu.x[0] = 0x55;
            cpu.x[1] = 0x1000;
            cpu.x[7] = 0x1000;
            let (esr, far) = fault(&mut cpu, &mut bus);
            assert_dabt(esr, write, 0x10);
            assert_eq!(far, 0x1000);
            assert_eq!(cpu.x[0], 0x55);
        }
        // A load running off the end of RAM faults and leaves Rt alone.
        let (mut cpu, mut bus) = setup(1, &[0xf940_0020, HVC0]);
        cpu.x[1] = RAM + RAM_SIZE as u64 - 4;
        let (esr, far) = fault(&mut cpu, &mut bus);
        assert_dabt(esr, false, 0x10);
        assert_eq!(far >> 12, (RAM + RAM_SIZE as u64) >> 12);
        assert_eq!(cpu.x[0], 0);
    }

    #[test]
    fn unallocated_encodings_are_undefined() {
        for word in [
            0xc8e1_fc62, // casal x1, x2, [x3] (FEAT_LSE)
            0xc8c0_fc20, // ldar with Rs != 11111
            0xf8e0_0c20, // ldraa (FEAT_PAuth)
            0xf822_0023, // ldadd x2, x3, [x1] (FEAT_LSE)
            0xf880_0420, // prfm, post-index
            0xf880_0820, // prfm slot of the unprivileged forms
            0xf862_0820, // ldr x0, [x1, w2, uxtb]: option<1> = 0
            0x6841_20c7, // ldnpsw
            0xe940_0000, // pair with opc = 11
            0x6900_0000, // stgp (FEAT_MTE)
        ] {
            let (mut cpu, mut bus) = setup(1, &[word, HVC0]);
            let (esr, _) = fault(&mut cpu, &mut bus);
            assert_eq!(esr >> 26, 0, "{word:#010x} is UNDEFINED");
            assert_eq!(cpu.stats.undefined.get(&word), Some(&1));
        }
    }
}
