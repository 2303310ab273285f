//! Privacy (SPEC §11) through the fake Telegram and the controllable clock: the `/settings` →
//! Privacy screen and the daily purge of message bodies past the retention.

mod retention;
