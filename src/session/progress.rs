//! A progress line on stderr, redrawn from a thread of its own, shown only on
//! a terminal and only once a run has taken a second. It counts both passes.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

pub struct Progress {
    done: Arc<AtomicUsize>,
    pass: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(total: usize, enabled: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let pass = Arc::new(AtomicUsize::new(1));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let (done, pass, stop) = (done.clone(), pass.clone(), stop.clone());
            std::thread::spawn(move || draw(total, &done, &pass, &stop))
        });
        Progress {
            done,
            pass,
            stop,
            thread,
        }
    }

    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The first pass (reading every file) is over; analysis begins.
    pub fn next_pass(&self) {
        self.pass.store(2, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw(total: usize, done: &AtomicUsize, pass: &AtomicUsize, stop: &AtomicBool) {
    let started = Instant::now();
    let mut shown = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if started.elapsed().as_secs() >= 1 {
            let what = if pass.load(Ordering::Relaxed) == 1 {
                "reading"
            } else {
                "analysing"
            };
            // A progress line that cannot be written is no reason to stop.
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[Kstepup: {what} {}/{total} files",
                done.load(Ordering::Relaxed)
            );
            shown = true;
        }
    }
    if shown {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
}
