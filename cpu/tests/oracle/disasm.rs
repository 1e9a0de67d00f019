//! The binutils cross tools as independent references: `aarch64-linux-gnu-as` to check the harness
//! encodings and `aarch64-linux-gnu-objdump` to print mismatching instructions. Both are optional:
//! the helpers return `None` when a tool is missing.

use std::path::PathBuf;
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let n = std::process::id();
    let t = std::thread::current().id();
    std::env::temp_dir().join(format!("bootemu-oracle-{n}-{t:?}-{name}").replace(['(', ')'], ""))
}

/// Assemble one instruction per line; the words in order.
pub fn assemble(lines: &[String]) -> Option<Vec<u32>> {
    let src = tmp("a.s");
    let obj = tmp("a.o");
    let bin = tmp("a.bin");
    std::fs::write(&src, lines.join("\n") + "\n").ok()?;
    let ok = Command::new("aarch64-linux-gnu-as")
        .arg("-o")
        .arg(&obj)
        .arg(&src)
        .status()
        .ok()?
        .success();
    assert!(ok, "assembler rejected the harness snippet");
    let ok = Command::new("aarch64-linux-gnu-objcopy")
        .args(["-O", "binary", "-j", ".text"])
        .arg(&obj)
        .arg(&bin)
        .status()
        .ok()?
        .success();
    assert!(ok, "objcopy failed");
    let bytes = std::fs::read(&bin).ok()?;
    for f in [src, obj, bin] {
        let _ = std::fs::remove_file(f);
    }
    Some(
        bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect(),
    )
}

/// Disassemble `words` placed at `vma`: one line of text per word (mnemonic and operands).
pub fn disassemble(words: &[u32], vma: u64) -> Option<Vec<String>> {
    let bin = tmp("d.bin");
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(&bin, bytes).ok()?;
    let out = Command::new("aarch64-linux-gnu-objdump")
        .args(["-D", "-b", "binary", "-m", "aarch64"])
        .arg(format!("--adjust-vma={vma:#x}"))
        .arg(&bin)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&bin);
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = Vec::new();
    for l in text.lines() {
        // "  401000:\tb9400000 \tldr\tw0, [x0]"
        let mut parts = l.splitn(3, '\t');
        let (Some(addr), Some(_hex), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if addr.trim_end().ends_with(':') {
            lines.push(rest.trim().to_string());
        }
    }
    (lines.len() == words.len()).then_some(lines)
}
