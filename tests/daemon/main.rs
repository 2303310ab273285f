//! The one integration-test binary: black-box tests that start the real daemon against a fake
//! Telegram Bot API and a fresh database.

mod fake_tg;
mod fake_tg_selftest;
