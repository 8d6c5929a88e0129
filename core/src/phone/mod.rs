//! Vietnamese phone numbers found in chat text. Being built in issue #4.
