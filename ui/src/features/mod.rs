//! The panel's features, one folder each. A feature reads the app's state from context
//! ([`crate::state::use_app`]), its data through [`crate::db`], and draws with
//! [`crate::widgets`]; it uses another feature only along the edges `tests/arch/features.py`
//! allows (no cycles): card → orders, address; composer → templates, media; templates → media;
//! data → composer (the pacing settings); campaigns → media (the image picker); card → team (the
//! assignee row).

pub mod address;
pub mod campaigns;
pub mod card;
pub mod composer;
pub mod data;
pub mod diagnostic;
pub mod help;
pub mod list;
pub mod media;
pub mod orders;
pub mod products;
pub mod team;
pub mod templates;
