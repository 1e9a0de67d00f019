//! Helpers for the binary's unit tests.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// A writer whose clones share one buffer: hand a clone to the code under test, read the bytes
/// from the original ([`SharedBuf::bytes`]).
#[derive(Clone, Default)]
pub struct SharedBuf(Rc<RefCell<Vec<u8>>>);

impl SharedBuf {
    /// Everything written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
