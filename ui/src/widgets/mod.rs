//! Controls used by several screens, apart from the screens (Dark Reader's layout): inputs that
//! read and show dates and money the Vietnamese way whatever the browser's locale, and the
//! keyboard rule every "press Enter to add" field shares. Widgets hold no domain rule: parsing
//! and formatting are `nobi_core`'s.

pub mod add_row;
pub mod date_input;
pub mod emoji;
pub mod error_line;
pub mod format;
pub mod icons;
pub mod keys;
pub mod money;

pub use add_row::AddRow;
pub use date_input::{local_ms, DateInput, DateTimeInput};
pub use error_line::ErrorLine;
pub use keys::{is_plain_enter, is_send_shortcut};
pub use money::reformat_money;
