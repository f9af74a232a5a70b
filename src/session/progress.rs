//! The progress bar on stderr (indicatif): drawn only on a terminal and only
//! once a run has taken a second, for both passes — reading every file,
//! then analysing the candidates — with the rate and the time left.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Runs shorter than this show no bar at all.
const DELAY: Duration = Duration::from_secs(1);

/// The delay, or `STEPUP_PROGRESS_DELAY_MS` (the tests draw the bar at once).
fn delay() -> Duration {
    std::env::var("STEPUP_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    started: Instant,
    delay: Duration,
    shown: AtomicBool,
}

impl Progress {
    /// The first pass, over `total` files.
    pub fn start(total: usize, enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {human_pos}/{human_len} files  {rate}/s  ETA {eta}",
            )
            .expect("a valid template")
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}", state.per_sec());
                },
            )
            .progress_chars("=> "),
        );
        bar.set_prefix("reading");
        Progress {
            bar,
            enabled,
            started: Instant::now(),
            delay: delay(),
            shown: AtomicBool::new(false),
        }
    }

    pub fn tick(&self) {
        if !self.enabled {
            return;
        }
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= self.delay
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// The first pass is over; the analysis of `total` candidates begins.
    pub fn next_pass(&self, total: usize) {
        if !self.enabled {
            return;
        }
        self.bar.set_prefix("analysing");
        self.bar.set_length(total as u64);
        self.bar.reset();
    }

    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
