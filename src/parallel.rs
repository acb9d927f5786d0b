//! Runs one task per item on a thread pool and hands the results over in the items' order, as
//! soon as each is ready.
//!
//! Workers take items in order from a shared counter, so results arrive almost in order. The
//! worker that finishes the oldest pending item hands it over, with any later ones already
//! done, so no thread sleeps and wakes for every item. A worker waits before running ahead of
//! the oldest pending item by more than a fixed window, so results waiting for an earlier one
//! are never more than the window, however many items there are.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// How far workers may run ahead of the oldest result not yet handed over.
pub const WINDOW: usize = 256;

/// Calls `work` on every item on the threads of `pool`, and `take` on every result in the
/// order of `items`, one call at a time, on whichever worker finished the result.
///
/// When `take` fails, no new item is started and the first error is returned once the running
/// ones end.
pub fn map_in_order<T, R, E>(
    pool: &rayon::ThreadPool,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    take: impl FnMut(R) -> Result<(), E> + Send,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let state = Mutex::new(Pending {
        waiting: BTreeMap::new(),
        take,
        error: None,
    });
    let run = Run {
        next: AtomicUsize::new(0),
        oldest: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        sleepers: Mutex::new(0),
        moved: Condvar::new(),
    };
    let workers = pool.current_num_threads().min(items.len());
    pool.scope(|scope| {
        for _ in 0..workers {
            let (run, state, work) = (&run, &state, &work);
            scope.spawn(move |_| {
                // A panicking task must not leave the other workers waiting for the window
                // forever: the panic reaches the caller once every worker has ended.
                let _unblock = Unblock(run);
                loop {
                    let index = run.next.fetch_add(1, Ordering::Relaxed);
                    if index >= items.len() || !run.wait_for_window(index) {
                        break;
                    }
                    let result = work(&items[index]);
                    run.hand_over(state, index, result);
                }
            });
        }
    });
    match state.into_inner().unwrap_or_else(|e| e.into_inner()).error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Results waiting for an earlier one, and what receives them.
struct Pending<R, F, E> {
    waiting: BTreeMap<usize, R>,
    take: F,
    error: Option<E>,
}

/// The counters the workers share.
struct Run {
    /// The next item to start.
    next: AtomicUsize,
    /// The oldest item not handed over yet.
    oldest: AtomicUsize,
    /// Set when `take` failed or a task panicked.
    stop: AtomicBool,
    /// How many workers wait for the window to move.
    sleepers: Mutex<usize>,
    moved: Condvar,
}

impl Run {
    /// Waits until `index` is inside the window; returns false when the run stopped.
    fn wait_for_window(&self, index: usize) -> bool {
        if index < self.oldest.load(Ordering::Acquire) + WINDOW {
            return !self.stop.load(Ordering::Relaxed);
        }
        let mut sleepers = lock(&self.sleepers);
        *sleepers += 1;
        while index >= self.oldest.load(Ordering::Acquire) + WINDOW
            && !self.stop.load(Ordering::Relaxed)
        {
            sleepers = self.moved.wait(sleepers).unwrap_or_else(|e| e.into_inner());
        }
        *sleepers -= 1;
        !self.stop.load(Ordering::Relaxed)
    }

    /// Stores the result of `index`, and hands over every result that no earlier one is
    /// missing for.
    fn hand_over<R, E>(
        &self,
        state: &Mutex<Pending<R, impl FnMut(R) -> Result<(), E>, E>>,
        index: usize,
        result: R,
    ) {
        let mut pending = lock(state);
        if pending.error.is_some() {
            return;
        }
        pending.waiting.insert(index, result);
        let mut oldest = self.oldest.load(Ordering::Acquire);
        while let Some(result) = pending.waiting.remove(&oldest) {
            if let Err(error) = (pending.take)(result) {
                pending.error = Some(error);
                pending.waiting.clear();
                self.stop.store(true, Ordering::Relaxed);
                self.wake();
                return;
            }
            oldest += 1;
            self.oldest.store(oldest, Ordering::Release);
        }
        drop(pending);
        self.wake();
    }

    /// Wakes the workers that wait for the window, if any.
    fn wake(&self) {
        let sleepers = lock(&self.sleepers);
        if *sleepers > 0 {
            self.moved.notify_all();
        }
    }
}

/// Stops the run and wakes waiting workers when dropped during a panic.
struct Unblock<'a>(&'a Run);

impl Drop for Unblock<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop.store(true, Ordering::Relaxed);
            let _sleepers = lock(&self.0.sleepers);
            self.0.moved.notify_all();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    /// Returns a task that counts the items started in `started` and returns the item.
    fn counted(started: &AtomicUsize) -> impl Fn(&usize) -> usize + Sync + '_ {
        move |&item| {
            started.fetch_add(1, Ordering::SeqCst);
            item
        }
    }

    #[test]
    fn map_keeps_item_order() {
        let items: Vec<usize> = (0..2_000).collect();
        let mut seen = Vec::new();
        let result: Result<(), ()> = map_in_order(
            &pool(4),
            &items,
            |&item| {
                // Uneven work, so that later items often finish first.
                if item % 7 == 0 {
                    std::thread::sleep(Duration::from_micros(200));
                }
                item * 2
            },
            |doubled| {
                seen.push(doubled);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn map_stays_within_window() {
        let items: Vec<usize> = (0..3 * WINDOW).collect();
        let started = AtomicUsize::new(0);
        let result: Result<(), ()> = map_in_order(&pool(2), &items, counted(&started), |item| {
            if item == 0 {
                // While the first result is held, the workers can start only the items
                // inside the window.
                std::thread::sleep(Duration::from_millis(100));
                assert!(started.load(Ordering::SeqCst) <= WINDOW);
            }
            Ok(())
        });
        assert_eq!(result, Ok(()));
        assert_eq!(started.load(Ordering::SeqCst), items.len());
    }

    #[test]
    fn map_stops_on_error() {
        let items: Vec<usize> = (0..10 * WINDOW).collect();
        let started = AtomicUsize::new(0);
        let mut handed = 0;
        let result = map_in_order(&pool(2), &items, counted(&started), |item| {
            handed += 1;
            if item == 3 { Err("closed") } else { Ok(()) }
        });
        assert_eq!(result, Err("closed"));
        assert_eq!(handed, 4);
        assert!(started.load(Ordering::SeqCst) < 4 + WINDOW + 2);
    }

    #[test]
    fn map_passes_panic_on() {
        let items: Vec<usize> = (0..4 * WINDOW).collect();
        let outcome = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = map_in_order(
                &pool(2),
                &items,
                |&item| {
                    if item == 0 {
                        std::thread::sleep(Duration::from_millis(50));
                        panic!("task failed");
                    }
                    item
                },
                |_| Ok(()),
            );
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn map_of_nothing_calls_nothing() {
        let result: Result<(), ()> = map_in_order(
            &pool(2),
            &[] as &[u8],
            |_| unreachable!(),
            |()| unreachable!(),
        );
        assert_eq!(result, Ok(()));
    }
}
