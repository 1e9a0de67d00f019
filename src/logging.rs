//! A minimal `log` backend: messages to stderr as `bootemu: LEVEL: message`, at the level named by
//! the `BOOTEMU_LOG` environment variable (error, warn, info, debug, trace; default warn).

use log::{LevelFilter, Log, Metadata, Record};

struct Stderr;

impl Log for Stderr {
    fn enabled(&self, m: &Metadata) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &Record) {
        if self.enabled(r.metadata()) {
            say!(
                "bootemu: {}: {}",
                r.level().as_str().to_lowercase(),
                r.args()
            );
        }
    }

    fn flush(&self) {}
}

/// Install the logger.
pub fn init() {
    let level = std::env::var("BOOTEMU_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LevelFilter::Warn);
    if log::set_logger(&Stderr).is_ok() {
        log::set_max_level(level);
    }
}
