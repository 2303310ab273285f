//! Background loops that outlive a single update: the outbox dispatcher (Telegram effects) and
//! the scheduler (durable timers). Both sleep until they have work and stop on shutdown after
//! finishing what they hold.

pub mod outbox;
pub mod scheduler;
