//! Background loops that outlive a single update: the outbox dispatcher (Telegram effects) and
//! the scheduler (durable timers). Both sleep until they have work and stop on shutdown after
//! finishing what they hold. The inbox worker (in `telegram`, next to the handlers it
//! dispatches to) stops and catches panics the same way, with the helpers here.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub mod outbox;
pub mod scheduler;

/// On shutdown, the update or timer in hand gets this long to finish. One stuck on a lock or a
/// slow Telegram is then let go: its transaction rolls back and it is handled after the restart.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// Resolves `SHUTDOWN_GRACE` after shutdown was asked for.
pub async fn grace_after(shutdown: &CancellationToken) {
    shutdown.cancelled().await;
    tokio::time::sleep(SHUTDOWN_GRACE).await;
}

/// What a caught panic said, for the log and the error kept on the row it sets aside.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
