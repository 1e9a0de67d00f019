//! The guest console of machines the gdb stub builds again for reverse execution: one shared
//! output, and a gate per machine that stays shut while it re-runs what was already shown.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::rc::Rc;

/// A console writer that passes bytes to `out` only while `open` is set.
pub struct Gated {
    /// The real console.
    pub out: Rc<RefCell<Box<dyn Write>>>,
    /// The gate.
    pub open: Rc<Cell<bool>>,
}

impl Write for Gated {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.open.get() {
            self.out.borrow_mut().write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.borrow_mut().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::SharedBuf as Buf;

    #[test]
    fn shut_gate_drops_bytes() {
        let buf = Buf::default();
        let open = Rc::new(Cell::new(false));
        let mut g = Gated {
            out: Rc::new(RefCell::new(Box::new(buf.clone()))),
            open: open.clone(),
        };
        g.write_all(b"replayed").unwrap();
        open.set(true);
        g.write_all(b"new").unwrap();
        assert_eq!(buf.bytes(), b"new");
    }
}
