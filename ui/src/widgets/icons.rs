//! The few icons of the panel, as SVG paths drawn with the text colour (no icon font, no images:
//! nothing to load, and they follow the active/inactive colour of their button).

use leptos::prelude::*;

pub const CUSTOMER: &str = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM5 20a7 7 0 0 1 14 0";
pub const LIST: &str = "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01";
pub const PRODUCTS: &str = "M3 7.5 12 3l9 4.5-9 4.5zM3 7.5v9L12 21l9-4.5v-9M12 12v9";
pub const TEMPLATES: &str = "M4 5h16v11H9l-5 4zM8 9h8M8 12h5";
pub const CAMPAIGNS: &str = "M3 10v4h3l6 4V6L6 10zM15.5 9a3.5 3.5 0 0 1 0 6M18 6.5a7 7 0 0 1 0 11";
pub const DATA: &str = "M12 3c4.4 0 8 1.3 8 3s-3.6 3-8 3-8-1.3-8-3 3.6-3 8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3";

/// A 20 px line icon; its meaning is carried by the label beside it (hidden from screen readers).
pub fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon-svg" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d=path/>
        </svg>
    }
}
