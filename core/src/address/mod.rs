//! Vietnamese addresses in the legacy (63 provinces, 3 levels) and current (34 provinces, 2 levels)
//! schemes. Being built in issue #3.
