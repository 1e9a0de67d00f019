//! The guest console under gdb: one shared output for every machine of the run (the first one,
//! those reverse execution builds again, those in snapshot processes), which shows each console
//! byte once. Every machine counts the bytes its guest wrote; bytes below the count already
//! shown were shown when an earlier run of the same guest passed there.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::rc::Rc;

/// The real console and how many bytes of the guest's console output it has shown.
pub struct SharedConsole {
    out: RefCell<Box<dyn Write>>,
    shown: Cell<u64>,
}

impl SharedConsole {
    /// A shared console over `out`, nothing shown yet.
    pub fn new(out: Box<dyn Write>) -> Rc<SharedConsole> {
        Rc::new(SharedConsole {
            out: RefCell::new(out),
            shown: Cell::new(0),
        })
    }

    /// Console bytes shown so far.
    pub fn shown(&self) -> u64 {
        self.shown.get()
    }

    /// Take `n` as the bytes shown so far (a process woken from a snapshot learns it).
    pub fn set_shown(&self, n: u64) {
        self.shown.set(n);
    }

    /// Flush the real console.
    pub fn flush(&self) {
        let _ = self.out.borrow_mut().flush();
    }
}

/// One machine's console writer: passes on only the bytes beyond what was shown.
pub struct Gated {
    console: Rc<SharedConsole>,
    /// Bytes this machine's guest has written.
    written: u64,
}

impl Gated {
    /// A writer for a machine whose guest has written nothing yet.
    pub fn new(console: Rc<SharedConsole>) -> Gated {
        Gated {
            console,
            written: 0,
        }
    }
}

impl Write for Gated {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let start = self.written;
        self.written += buf.len() as u64;
        let shown = self.console.shown.get();
        if self.written > shown {
            let skip = shown.saturating_sub(start) as usize;
            self.console.out.borrow_mut().write_all(&buf[skip..])?;
            self.console.shown.set(self.written);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.console.out.borrow_mut().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::SharedBuf as Buf;

    #[test]
    fn each_byte_is_shown_once() {
        let buf = Buf::default();
        let console = SharedConsole::new(Box::new(buf.clone()));
        let mut first = Gated::new(console.clone());
        first.write_all(b"hello ").unwrap();
        // A machine built again re-runs the same guest: nothing until it passes "hello ".
        let mut again = Gated::new(console.clone());
        again.write_all(b"hel").unwrap();
        assert_eq!(buf.bytes(), b"hello ");
        again.write_all(b"lo wor").unwrap();
        again.write_all(b"ld").unwrap();
        assert_eq!(buf.bytes(), b"hello world");
        assert_eq!(console.shown(), 11);
    }
}
