//! The one integration-test binary: black-box tests that start the real daemon against a fake
//! Telegram Bot API and a fresh database. With `TEST_DATABASE_URL` set to a PostgreSQL admin
//! URL the same scenarios run on PostgreSQL. `layers` guards the shape of `src/` (floors, no
//! circles).

mod cli;
mod comments;
mod export;
mod fake_tg;
mod fake_tg_selftest;
mod fields;
mod flood;
mod helpers;
mod inputs;
mod kb;
mod layers;
mod lifecycle;
mod mydata;
mod privacy;
mod reliability;
mod routing;
mod sla;
mod stats;
mod takeover;
mod team;
mod templates;
mod workspace;
