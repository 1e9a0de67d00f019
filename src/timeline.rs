//! The boot timeline (`--timeline FILE`) and the phase and function summary of the report and
//! the end-of-run lines, from what the machine recorded ([`bootemu_machine::machine::timeline`]:
//! phases, PC samples, timed console lines).
//!
//! The file is Chrome's Trace Event Format (the JSON object form, `{"traceEvents": [...]}`), which
//! `ui.perfetto.dev` and `chrome://tracing` open: one process, and per vCPU a *phases* track
//! (complete `"X"` events: firmware, kernel with the MMU off, kernel, userspace; the kernel
//! entry as an instant `"i"` event) and a *functions* track (complete events: runs of
//! consecutive PC samples in one function, for functions with at least `--timeline-min-insns`
//! sampled instructions in the whole run); then a *console* track with every console line as an
//! instant event (its `args.insn`: instructions executed by all vCPUs when the line ended, to
//! the end of the round: at most [`bootemu_machine::QUANTUM`] instructions per vCPU late).
//! Thread names are `"M"` metadata events.
//!
//! Time (`ts`, `dur`, in microseconds as the format wants) is virtual time: the system counter,
//! which advances one tick per instruction of a running vCPU and which the guest is told runs at
//! CNTFRQ = 62.5 MHz, so 1 tick = 16 ns; the vCPUs of a round run in parallel in it, and a
//! sleeping vCPU's time jumps. Nothing of the host goes in: the same run gives the same bytes.
//!
//! A sample is the PC of the next instruction every N instructions of a vCPU
//! (`--timeline-sample N`) and stands for the N instructions from there: a function's sampled
//! instructions are N times its samples. Samples are named with the kernel's kallsyms and any
//! `--symbols` file ([`Symbols`]); a span's `args.exceptions` counts the exceptions (synchronous,
//! interrupts, SErrors) the vCPU took in it, `args.device_accesses` its loads and stores that
//! reached a device; a counter track per vCPU ("vCPU N: activity") shows both per sample
//! period, over the whole run. In the firmware phase kernel PCs are not mapped through the
//! Image's load address (the kernel is not there yet), and unnamed samples make no span.

use std::collections::BTreeMap;
use std::io::Write;

use bootemu_cpu::aarch64::sysreg::id::CNTFRQ;
use bootemu_cpu::aarch64::Activity;
use bootemu_machine::console::ConsoleLine;
use bootemu_machine::machine::{Phase, Sample, VcpuTimeline};
use serde_json::{json, Value};

use crate::symbols::Symbols;

/// Counter events of vCPU `cpu`: its exceptions and device accesses in each sample period,
/// one event where the rates change.
fn activity_counters(cpu: usize, samples: &[Sample]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut last = (Activity::default(), None::<(u64, u64)>);
    for s in samples {
        let rate = (
            s.activity.exceptions.saturating_sub(last.0.exceptions),
            s.activity
                .device_accesses
                .saturating_sub(last.0.device_accesses),
        );
        if last.1 != Some(rate) {
            // The rate of the period that ends at this sample, from the previous one.
            out.push(json!({
                "ph": "C", "pid": PID, "name": format!("vCPU {cpu}: activity"),
                "ts": us(s.time),
                "args": {"exceptions": rate.0, "device accesses": rate.1},
            }));
        }
        last = (s.activity, Some(rate));
    }
    out
}

/// Default `--timeline-sample`: instructions of a vCPU between two PC samples.
pub const DEFAULT_SAMPLE: u64 = 10_000;
/// Default `--timeline-min-insns`: sampled instructions a function needs in the whole run to
/// get spans in the file (0.1 % of a Linux boot).
pub const DEFAULT_MIN_INSNS: u64 = 1_000_000;
/// Functions listed in the report.
const TOP_REPORT: usize = 20;
/// Functions listed in the end-of-run lines.
const TOP_SHOWN: usize = 5;
/// Process id of the one process in the file.
const PID: u32 = 1;
/// Thread id of the console track.
const CONSOLE_TID: u64 = 1000;

/// Run of consecutive samples of one vCPU in one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The function.
    pub name: String,
    /// Its first sample.
    pub first: Sample,
    /// Virtual time where it ends: the last sample's time plus the period, or the next
    /// sample's (or the vCPU's end) if sooner.
    pub end_time: u64,
    /// Samples in it.
    pub samples: u64,
    /// Exceptions the vCPU took (synchronous, interrupts, SErrors) and device accesses it
    /// made in it.
    pub activity: Activity,
}

/// What the run recorded, named.
pub struct Timeline<'a> {
    /// Per vCPU.
    pub vcpus: &'a [VcpuTimeline],
    /// The sampling period.
    pub every: u64,
    /// Functions' names per vCPU sample, in sample order (see [`name_samples`]).
    pub names: &'a [Vec<Option<String>>],
    /// The kernel entry: vCPU and PC, when captured.
    pub entry: Option<(usize, u64)>,
}

/// The function of every sample of every vCPU.
pub fn name_samples(vcpus: &[VcpuTimeline], symbols: Option<&Symbols>) -> Vec<Vec<Option<String>>> {
    vcpus
        .iter()
        .map(|v| {
            v.samples
                .iter()
                .map(|s| {
                    let firmware = phase_at(v, s.insn) == Some(Phase::Firmware);
                    symbols.and_then(|sy| sy.function(s.pc, !firmware).map(str::to_string))
                })
                .collect()
        })
        .collect()
}

/// The phase a vCPU was in at its instruction `insn`.
fn phase_at(v: &VcpuTimeline, insn: u64) -> Option<Phase> {
    v.phases
        .iter()
        .take_while(|m| m.insn <= insn)
        .last()
        .map(|m| m.phase)
}

/// Merge a vCPU's named samples into spans (unnamed samples end a span and start none).
pub fn spans(v: &VcpuTimeline, names: &[Option<String>], every: u64) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut open = false;
    for (k, (s, name)) in v.samples.iter().zip(names).enumerate() {
        let limit = v
            .samples
            .get(k + 1)
            .map_or(v.end_time, |n| n.time)
            .max(s.time);
        let end_time = s.time.saturating_add(every).min(limit);
        let after = v.samples.get(k + 1).map_or(v.activity, |n| n.activity);
        let Some(name) = name else {
            open = false;
            continue;
        };
        match out.last_mut() {
            Some(span) if open && span.name == *name => {
                span.samples += 1;
                span.end_time = end_time;
                span.activity = after.since(span.first.activity);
            }
            _ => {
                out.push(Span {
                    name: name.clone(),
                    first: *s,
                    end_time,
                    samples: 1,
                    activity: after.since(s.activity),
                });
                open = true;
            }
        }
    }
    out
}

/// Samples per function over all vCPUs, most first (ties by name).
pub fn top_functions(names: &[Vec<Option<String>>]) -> Vec<(String, u64)> {
    let mut count: BTreeMap<&str, u64> = BTreeMap::new();
    for n in names.iter().flatten().flatten() {
        *count.entry(n).or_default() += 1;
    }
    let mut v: Vec<(String, u64)> = count.into_iter().map(|(n, c)| (n.into(), c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Microseconds of virtual time (`ticks` of the counter at [`CNTFRQ`]).
fn us(ticks: u64) -> Value {
    // 62.5 MHz: 16 ns a tick, so the value is exact to the nanosecond.
    json!((ticks as u128 * 1_000_000_000 / CNTFRQ as u128) as f64 / 1000.0)
}

/// Instructions per phase, summed over vCPUs, in [`Phase::ALL`] order.
pub fn phase_totals(vcpus: &[VcpuTimeline]) -> [u64; 4] {
    let mut t = [0; 4];
    for v in vcpus {
        for (k, n) in v.phase_insns().into_iter().enumerate() {
            t[k] += n;
        }
    }
    t
}

/// The trace-event file: one event per line.
pub fn write(
    out: &mut dyn Write,
    t: &Timeline,
    min_insns: u64,
    lines: &[ConsoleLine],
    guest: &str,
) -> std::io::Result<()> {
    let mut events: Vec<Value> = vec![json!({
        "ph": "M", "pid": PID, "name": "process_name", "args": {"name": format!("bootemu: {guest}")}
    })];
    let thread = |tid: u64, name: String| {
        [
            json!({"ph": "M", "pid": PID, "tid": tid, "name": "thread_name", "args": {"name": name}}),
            json!({"ph": "M", "pid": PID, "tid": tid, "name": "thread_sort_index", "args": {"sort_index": tid}}),
        ]
    };
    let wanted: BTreeMap<String, u64> = top_functions(t.names)
        .into_iter()
        .filter(|(_, n)| n * t.every >= min_insns.max(1))
        .collect();
    for (i, v) in t.vcpus.iter().enumerate() {
        if v.phases.is_empty() {
            continue;
        }
        let (phases_tid, functions_tid) = (2 * i as u64 + 1, 2 * i as u64 + 2);
        events.extend(thread(phases_tid, format!("vCPU {i}: phases")));
        events.extend(thread(functions_tid, format!("vCPU {i}: functions")));
        for (k, m) in v.phases.iter().enumerate() {
            let (end_time, end_insn) = v
                .phases
                .get(k + 1)
                .map_or((v.end_time, v.insns), |n| (n.time, n.insn));
            events.push(json!({
                "ph": "X", "pid": PID, "tid": phases_tid, "cat": "phase", "name": m.phase.name(),
                "ts": us(m.time), "dur": us(end_time.saturating_sub(m.time)),
                "args": {"first_insn": m.insn, "instructions": end_insn - m.insn},
            }));
        }
        if let Some((cpu, pc)) = t.entry.filter(|e| e.0 == i) {
            // The kernel entry ends a slice piece: its phase mark is exact.
            if let Some(m) = v.phases.iter().find(|m| m.phase >= Phase::KernelMmuOff) {
                events.push(json!({
                    "ph": "i", "s": "t", "pid": PID, "tid": phases_tid, "cat": "entry",
                    "name": "kernel entry", "ts": us(m.time),
                    "args": {"cpu": cpu, "pc": format!("{pc:#x}"), "insn": m.insn},
                }));
            }
        }
        events.extend(activity_counters(i, &v.samples));
        for s in spans(v, &t.names[i], t.every) {
            if !wanted.contains_key(&s.name) {
                continue;
            }
            events.push(json!({
                "ph": "X", "pid": PID, "tid": functions_tid, "cat": "function", "name": s.name,
                "ts": us(s.first.time), "dur": us(s.end_time - s.first.time),
                "args": {
                    "first_insn": s.first.insn, "samples": s.samples,
                    "instructions": s.samples * t.every, "el": s.first.el,
                    "exceptions": s.activity.exceptions,
                    "device_accesses": s.activity.device_accesses,
                },
            }));
        }
    }
    events.extend(thread(CONSOLE_TID, "console".into()));
    for l in lines {
        events.push(json!({
            "ph": "i", "s": "t", "pid": PID, "tid": CONSOLE_TID, "cat": "console",
            "name": l.text, "ts": us(l.time), "args": {"insn": l.insn},
        }));
    }
    let other = json!({
        "guest": guest,
        "time": "virtual: the system counter, 1 tick per instruction of a running vCPU, \
                 CNTFRQ 62.5 MHz (16 ns a tick)",
        "sample_period_insns": t.every,
        "min_function_insns": min_insns,
    });
    writeln!(
        out,
        "{{\"displayTimeUnit\":\"ns\",\"otherData\":{other},\"traceEvents\":["
    )?;
    for (k, e) in events.iter().enumerate() {
        let sep = if k + 1 < events.len() { "," } else { "" };
        writeln!(out, "{e}{sep}")?;
    }
    writeln!(out, "]}}")
}

/// The report's `phases` (instructions per phase, total and per vCPU) and, when sampled,
/// `top_functions`.
pub fn report_json(
    vcpus: &[VcpuTimeline],
    sampled: Option<(&[Vec<Option<String>>], u64)>,
) -> (Value, Value) {
    let totals = phase_totals(vcpus);
    let phases: Vec<Value> = Phase::ALL
        .iter()
        .map(|&p| {
            json!({
                "phase": p.id(),
                "instructions": totals[p as usize],
                "instructions_per_cpu": vcpus.iter().map(|v| v.phase_insns()[p as usize]).collect::<Vec<_>>(),
            })
        })
        .collect();
    let top = sampled.map_or(Value::Null, |(names, every)| {
        let all: u64 = names.iter().map(|n| n.len() as u64).sum();
        json!({
            "sample_period_insns": every,
            "samples": all,
            "functions": top_functions(names).iter().take(TOP_REPORT).map(|(name, n)| json!({
                "function": name,
                "samples": n,
                "instructions": n * every,
                "share": *n as f64 / all.max(1) as f64,
            })).collect::<Vec<_>>(),
        })
    });
    (Value::Array(phases), top)
}

/// The end-of-run lines: instructions per phase, and the top functions when sampled.
pub fn summary(
    vcpus: &[VcpuTimeline],
    sampled: Option<(&[Vec<Option<String>>], u64)>,
) -> Vec<String> {
    let totals = phase_totals(vcpus);
    let phases: Vec<String> = Phase::ALL
        .iter()
        .filter(|&&p| totals[p as usize] > 0)
        .map(|&p| format!("{} {}", p.name(), totals[p as usize]))
        .collect();
    let mut out = vec![format!(
        "bootemu: instructions per phase: {}",
        phases.join(", ")
    )];
    if let Some((names, every)) = sampled {
        let all: u64 = names.iter().map(|n| n.len() as u64).sum();
        let top: Vec<String> = top_functions(names)
            .iter()
            .take(TOP_SHOWN)
            .map(|(name, n)| format!("{name} {:.1}%", 100.0 * *n as f64 / all.max(1) as f64))
            .collect();
        if !top.is_empty() {
            out.push(format!(
                "bootemu: top functions (PC sampled every {every} instructions): {}",
                top.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bootemu_machine::machine::PhaseMark;

    /// A sample; the vCPU has taken one exception every 50 instructions and made a device
    /// access every 25.
    fn sample(insn: u64, time: u64) -> Sample {
        Sample {
            insn,
            time,
            pc: 0,
            el: 1,
            activity: Activity {
                exceptions: insn / 50,
                device_accesses: insn / 25,
            },
        }
    }

    fn vcpu() -> VcpuTimeline {
        VcpuTimeline {
            phases: vec![
                PhaseMark {
                    phase: Phase::Firmware,
                    insn: 0,
                    time: 0,
                },
                PhaseMark {
                    phase: Phase::KernelMmuOff,
                    insn: 250,
                    time: 250,
                },
            ],
            // A sleep between the third and fourth sample (time jumps by 1000).
            samples: vec![
                sample(0, 0),
                sample(100, 100),
                sample(200, 200),
                sample(300, 1300),
                sample(400, 1400),
                sample(500, 1500),
            ],
            insns: 550,
            end_time: 1550,
            activity: Activity {
                exceptions: 11,
                device_accesses: 22,
            },
        }
    }

    fn names(v: &[&str]) -> Vec<Option<String>> {
        v.iter()
            .map(|s| (!s.is_empty()).then(|| s.to_string()))
            .collect()
    }

    #[test]
    fn consecutive_samples_in_one_function_merge() {
        let v = vcpu();
        let s = spans(&v, &names(&["a", "a", "a", "b", "", "b"]), 100);
        let got: Vec<(&str, u64, u64, u64, u64, u64)> = s
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.first.time,
                    s.end_time,
                    s.samples,
                    s.activity.exceptions,
                    s.activity.device_accesses,
                )
            })
            .collect();
        // "a" ends one period after its last sample; the second "b" is cut by the vCPU's end;
        // the unnamed sample splits the two "b" runs.
        assert_eq!(
            got,
            [
                ("a", 0, 300, 3, 6, 12),
                ("b", 1300, 1400, 1, 2, 4),
                ("b", 1500, 1550, 1, 1, 2)
            ]
        );
        assert_eq!(
            top_functions(&[names(&["a", "a", "a", "b", "", "b"])]),
            [("a".to_string(), 3), ("b".to_string(), 2)]
        );
        assert_eq!(phase_at(&v, 249), Some(Phase::Firmware));
        assert_eq!(phase_at(&v, 250), Some(Phase::KernelMmuOff));
    }

    #[test]
    fn trace_event_json() {
        let v = [vcpu()];
        let t = Timeline {
            vcpus: &v,
            every: 100,
            names: &[names(&["a", "a", "a", "b", "", "b"])],
            entry: Some((0, 0x4020_0000)),
        };
        let lines = [ConsoleLine {
            insn: 400,
            time: 62_500_000,
            text: "Booting Linux".into(),
        }];
        let mut out = Vec::new();
        write(&mut out, &t, 300, &lines, "guest").unwrap();
        let text = String::from_utf8(out).unwrap();
        let j: Value = serde_json::from_str(&text).unwrap();
        let events = j["traceEvents"].as_array().unwrap();
        let find = |ph: &str, name: &str| {
            events
                .iter()
                .filter(|e| e["ph"] == ph && e["name"] == name)
                .cloned()
                .collect::<Vec<_>>()
        };
        let fw = &find("X", "firmware")[0];
        assert_eq!(
            (fw["ts"].as_f64(), fw["dur"].as_f64()),
            (Some(0.0), Some(4.0))
        );
        assert_eq!(fw["args"]["instructions"], 250);
        let k = &find("X", "kernel (MMU off)")[0];
        assert_eq!(
            (k["ts"].as_f64(), k["dur"].as_f64()),
            (Some(4.0), Some(20.8))
        );
        let a = find("X", "a");
        assert_eq!(a.len(), 1, "a has 300 sampled instructions: kept");
        assert_eq!(a[0]["args"]["samples"], 3);
        assert_eq!(a[0]["args"]["exceptions"], 6);
        assert_eq!(a[0]["args"]["device_accesses"], 12);
        assert_eq!(a[0]["dur"].as_f64(), Some(4.8));
        assert!(find("X", "b").is_empty(), "b has 200: below the threshold");
        // The activity counter: nothing at the first sample, then 2 exceptions and 4 device
        // accesses per 100-instruction period (one event: the rate does not change again).
        let c = find("C", "vCPU 0: activity");
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0]["args"]["exceptions"], 0);
        assert_eq!(c[1]["args"]["exceptions"], 2);
        assert_eq!(c[1]["args"]["device accesses"], 4);
        assert_eq!(c[1]["ts"].as_f64(), Some(1.6));
        let entry = &find("i", "kernel entry")[0];
        assert_eq!(entry["ts"].as_f64(), Some(4.0));
        assert_eq!(entry["args"]["pc"], "0x40200000");
        let line = &find("i", "Booting Linux")[0];
        assert_eq!(line["ts"].as_f64(), Some(1_000_000.0), "62.5 M ticks = 1 s");
        assert_eq!(line["tid"], CONSOLE_TID);
        assert_eq!(line["args"]["insn"], 400);
        let thread_names: Vec<&str> = events
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            thread_names,
            ["vCPU 0: phases", "vCPU 0: functions", "console"]
        );
        for e in events {
            assert_eq!(e["pid"], PID);
            assert!(
                ["M", "X", "i", "C"].contains(&e["ph"].as_str().unwrap()),
                "{e}"
            );
        }
        assert_eq!(j["otherData"]["sample_period_insns"], 100);
        // One event per line.
        assert_eq!(text.lines().count(), events.len() + 2);
    }

    #[test]
    fn report_and_summary() {
        let v = [vcpu()];
        let n = vec![names(&["a", "a", "a", "b", "", "b"])];
        let (phases, top) = report_json(&v, Some((&n, 100)));
        assert_eq!(phases[0]["phase"], "firmware");
        assert_eq!(phases[0]["instructions"], 250);
        assert_eq!(phases[1]["instructions_per_cpu"], json!([300]));
        assert_eq!(phases[3]["instructions"], 0);
        assert_eq!(top["functions"][0]["function"], "a");
        assert_eq!(top["functions"][0]["instructions"], 300);
        assert_eq!(top["samples"], 6);
        assert_eq!(
            summary(&v, Some((&n, 100))),
            [
                "bootemu: instructions per phase: firmware 250, kernel (MMU off) 300",
                "bootemu: top functions (PC sampled every 100 instructions): a 50.0%, b 33.3%"
            ]
        );
        assert_eq!(report_json(&v, None).1, Value::Null);
    }
}
