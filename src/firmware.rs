//! The firmware-facing inputs of `bootemu run`: the flash banks (`--firmware`, `--pflash0`,
//! `--pflash1`), the fw_cfg kernel items, `--load FILE@ADDR`, and writing `,rw` banks back to
//! their files at the end of the run.
//!
//! Flash files are the user's: by default the guest's programs and erases stay in memory and
//! the file is never touched. `FILE,rw` writes the bank back at exit, whole, through a temporary
//! file renamed over the original (nothing is left half-written), and only when the guest
//! changed it. A file shorter than its bank is padded in memory as a blank flash reads
//! (QEMU refuses such `-pflash` files; padding lets a 2 MiB firmware or a `mkenvimage`
//! environment be used as it is); with `,rw` the file must be exactly the bank's size, so that
//! writing it back never changes its size.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bootemu_machine::board::FlashImage;
use bootemu_machine::devices::fw_cfg::FwCfg;
use bootemu_machine::profile::Region;
use bootemu_machine::{Machine, Profile};

use crate::read_input;
use crate::size::parse_addr;

/// What the guest's programs and erases of a flash bank do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashMode {
    /// They stay in memory; the file is never touched (the default).
    Overlay,
    /// `,rw`: they are written back to the file at exit.
    WriteBack,
    /// `,ro`: the bank is read-only to the guest (programs and erases fail).
    ReadOnly,
}

/// `--pflashN FILE[,rw|,ro]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlashArg {
    /// The file.
    pub path: PathBuf,
    /// What guest writes do.
    pub mode: FlashMode,
}

/// Parse `FILE[,rw|,ro]`.
pub fn parse_flash(s: &str) -> Result<FlashArg, String> {
    let (path, mode) = match s.rsplit_once(',') {
        Some((p, "rw")) => (p, FlashMode::WriteBack),
        Some((p, "ro")) => (p, FlashMode::ReadOnly),
        _ => (s, FlashMode::Overlay),
    };
    if path.is_empty() {
        return Err(format!("expected FILE[,rw|,ro], not {s:?}"));
    }
    Ok(FlashArg {
        path: path.into(),
        mode,
    })
}

/// `--load FILE@ADDR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadArg {
    /// The file.
    pub path: PathBuf,
    /// Guest-physical address of its first byte.
    pub addr: u64,
}

/// Parse `FILE@ADDR`.
pub fn parse_load(s: &str) -> Result<LoadArg, String> {
    let Some((path, addr)) = s.rsplit_once('@') else {
        return Err(format!("expected FILE@ADDR, not {s:?}"));
    };
    if path.is_empty() {
        return Err(format!("expected FILE@ADDR, not {s:?}"));
    }
    Ok(LoadArg {
        path: path.into(),
        addr: parse_addr(addr)?,
    })
}

/// One flash bank's start-up contents and where to write it back.
#[derive(Clone, Debug)]
pub struct Bank {
    /// The bank's region.
    pub region: Region,
    /// Its contents.
    pub image: FlashImage,
    /// `,rw`: the file to write the bank back to.
    pub write_back: Option<PathBuf>,
    /// `,rw`: the contents as read (to tell whether the guest changed them).
    original: Option<Vec<u8>>,
}

/// The flash banks of `profile`. Bank 0 holds `bank0`, the bytes already read from
/// `--firmware` (read-only to the guest) or from `--pflash0` (with that argument's mode); bank 1
/// holds `--pflash1`; the others are blank and writable.
pub fn banks(
    profile: &Profile,
    mut bank0: Option<Vec<u8>>,
    pflash: [Option<&FlashArg>; 2],
) -> anyhow::Result<Vec<Bank>> {
    let regions: Vec<Region> = profile.flash_banks().copied().collect();
    if regions.is_empty() && pflash.iter().any(Option::is_some) {
        bail!(
            "--machine {} has no flash (--pflash0/--pflash1)",
            profile.name
        );
    }
    let mut out = Vec::new();
    for (i, region) in regions.into_iter().enumerate() {
        let arg = pflash.get(i).copied().flatten();
        let read = if i == 0 { bank0.take() } else { None };
        let (image, write_back) = match (read, arg) {
            (Some(fw), None) => (
                FlashImage {
                    contents: fw,
                    read_only: true,
                },
                None,
            ),
            (read, Some(a)) => {
                let contents = match read {
                    Some(c) => c,
                    None => {
                        let within = format!("flash bank {i}");
                        read_input(&a.path, (region.size, within.as_str()))?
                    }
                };
                let what = || format!("{}", a.path.display());
                if contents.is_empty() {
                    bail!("{}: empty file (flash bank {i})", what());
                }
                if contents.len() as u64 > region.size {
                    bail!(
                        "{}: {} bytes, larger than flash bank {i} ({} bytes)",
                        what(),
                        contents.len(),
                        region.size
                    );
                }
                if a.mode == FlashMode::WriteBack && contents.len() as u64 != region.size {
                    bail!(
                        "{}: {} bytes; a flash file written back (,rw) must be exactly the \
                         bank's {} bytes (e.g. truncate -s {} FILE)",
                        what(),
                        contents.len(),
                        region.size,
                        region.size
                    );
                }
                (
                    FlashImage {
                        contents,
                        read_only: a.mode == FlashMode::ReadOnly,
                    },
                    (a.mode == FlashMode::WriteBack).then(|| a.path.clone()),
                )
            }
            (None, None) => (FlashImage::default(), None),
        };
        out.push(Bank {
            region,
            original: write_back.as_ref().map(|_| image.contents.clone()),
            image,
            write_back,
        });
    }
    Ok(out)
}

/// Put `--load` files into the flash banks (where they fall in one) or return them as RAM
/// blobs; anything else is refused.
pub fn place_loads(
    loads: &[LoadArg],
    profile: &Profile,
    banks: &mut [Bank],
) -> anyhow::Result<Vec<bootemu_boot::Blob>> {
    let ram = profile.ram();
    let mut blobs = Vec::new();
    for l in loads {
        let bytes = read_input(
            &l.path,
            (crate::boot::firmware_limit(profile), "RAM or flash"),
        )?;
        let len = bytes.len() as u64;
        let end = l.addr.checked_add(len);
        let inside = |base: u64, size: u64| {
            l.addr >= base && end.is_some_and(|e| e <= base.saturating_add(size))
        };
        if inside(ram.base, ram.size) {
            blobs.push(bootemu_boot::Blob {
                addr: l.addr,
                bytes,
            });
        } else if let Some(b) = banks
            .iter_mut()
            .find(|b| inside(b.region.base, b.region.size))
        {
            let off = (l.addr - b.region.base) as usize;
            let c = &mut b.image.contents;
            if c.len() < off + bytes.len() {
                c.resize(off + bytes.len(), 0);
            }
            c[off..off + bytes.len()].copy_from_slice(&bytes);
        } else {
            bail!(
                "{}: --load at {:#x}..{:#x} is not inside RAM ({:#x}..{:#x}) or a flash bank",
                l.path.display(),
                l.addr,
                end.unwrap_or(u64::MAX),
                ram.base,
                ram.end()
            );
        }
    }
    Ok(blobs)
}

/// The fw_cfg device with QEMU's kernel, initrd and command-line items (a firmware boot with
/// `--kernel-via fw-cfg`).
pub fn fw_cfg(kernel: Option<&[u8]>, initrd: Option<&[u8]>, cmdline: Option<&str>) -> FwCfg {
    let mut f = FwCfg::new();
    if let Some(k) = kernel {
        f.add_kernel(k.to_vec(), initrd.map(<[u8]>::to_vec), cmdline);
    }
    f
}

/// Write every `,rw` bank the guest changed back to its file.
pub fn write_back(machine: &Machine, banks: &[Bank]) -> anyhow::Result<()> {
    for b in banks {
        let Some(path) = &b.write_back else {
            continue;
        };
        let Some(now) = machine.board.backing(b.region.base) else {
            continue;
        };
        if Some(now) == b.original.as_deref() {
            continue;
        }
        replace_file(path, now).with_context(|| format!("{}: writing back", path.display()))?;
        say!("bootemu: {}: flash bank written back", path.display());
    }
    Ok(())
}

/// Write `bytes` to a temporary file beside `path`, then rename it over `path`.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".bootemu-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_args() {
        assert_eq!(
            parse_flash("vars.fd,rw"),
            Ok(FlashArg {
                path: "vars.fd".into(),
                mode: FlashMode::WriteBack
            })
        );
        assert_eq!(parse_flash("a,b.fd").unwrap().path, PathBuf::from("a,b.fd"));
        assert_eq!(parse_flash("a,b.fd").unwrap().mode, FlashMode::Overlay);
        assert_eq!(parse_flash("x.fd,ro").unwrap().mode, FlashMode::ReadOnly);
        assert!(parse_flash(",rw").is_err());
    }

    #[test]
    fn load_args() {
        assert_eq!(
            parse_load("Image@0x4800_0000"),
            Ok(LoadArg {
                path: "Image".into(),
                addr: 0x4800_0000
            })
        );
        assert!(parse_load("Image").is_err());
        assert!(parse_load("@0x10").is_err());
        assert!(parse_load("Image@zz").is_err());
    }
}
