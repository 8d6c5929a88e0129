//! The outbox of messages to send (in progress).
