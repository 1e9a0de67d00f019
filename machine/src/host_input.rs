//! Host input for the console UART: a thread reads the host's stdin into a channel; the machine
//! takes bytes from it only at chunk boundaries of its run loop.
//!
//! This is off unless asked for (`MachineConfig::stdin`): when bytes arrive depends on host
//! timing, so a run fed from stdin is reproducible only as far as the guest does not depend on
//! when its input arrives. Without it, no host input reaches the guest at all.

use std::collections::VecDeque;
use std::io::Read;

use crossbeam_channel::Receiver;

/// Bytes from the host on their way to the guest.
pub struct HostInput {
    rx: Receiver<Vec<u8>>,
    pending: VecDeque<u8>,
}

impl HostInput {
    /// Start a thread reading `src` (the host's stdin) until end of file.
    pub fn spawn(mut src: impl Read + Send + 'static) -> HostInput {
        let (tx, rx) = crossbeam_channel::unbounded();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = src.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        HostInput {
            rx,
            pending: VecDeque::new(),
        }
    }

    /// Offer pending bytes to `push` (the UART's receive FIFO) until it refuses one.
    pub fn deliver(&mut self, mut push: impl FnMut(u8) -> bool) {
        while let Ok(bytes) = self.rx.try_recv() {
            self.pending.extend(bytes);
        }
        while let Some(&b) = self.pending.front() {
            if !push(b) {
                break;
            }
            self.pending.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_in_order_as_room_allows() {
        let mut h = HostInput::spawn(&b"hello"[..]);
        let mut got = Vec::new();
        // The reader thread may not have run yet: poll until everything arrived.
        for _ in 0..1000 {
            h.deliver(|b| {
                if got.len() < 3 {
                    got.push(b);
                    true
                } else {
                    false
                }
            });
            if got.len() == 3 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(got, b"hel");
        let mut rest = Vec::new();
        h.deliver(|b| {
            rest.push(b);
            true
        });
        assert_eq!(rest, b"lo");
    }
}
