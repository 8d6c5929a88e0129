//! The composer's emoji picker: a small fixed grid of the emoji Vietnamese shop agents use all
//! day (greetings, thanks, hearts, parcels and delivery), in a few categories.
//!
//! The list is a constant (no emoji database in the wasm: the panel is over its size budget);
//! picking one hands it to the caller, which inserts it into its text.

// The composer and the tabs (lib.rs) integrate this API; until every part is used there.

use leptos::prelude::*;
use nobi_core::i18n::{ui, Lang, Ui};

/// The picker's categories: a label and its emoji, in the order shown.
pub const CATEGORIES: [(Ui, &[&str]); 4] = [
    (
        Ui::EmojiFaces,
        &[
            "😊", "🥰", "😍", "😘", "😁", "😂", "🤗", "😉", "🥺", "😅", "😢", "🤔",
        ],
    ),
    (
        Ui::EmojiHearts,
        &[
            "❤️", "🧡", "💕", "💖", "🌸", "🌷", "🌹", "💐", "✨", "🎉", "🔥", "💯",
        ],
    ),
    (
        Ui::EmojiHands,
        &[
            "👍", "🙏", "👋", "👏", "🤝", "👌", "💪", "👉", "✌️", "🫶", "☝️", "🙌",
        ],
    ),
    (
        Ui::EmojiShop,
        &[
            "🎁", "📦", "🚚", "🛵", "✅", "❌", "⏰", "💰", "💸", "🏷️", "🛍️", "📞",
        ],
    ),
];

/// A button that opens a grid of emoji; picking one calls `on_pick` with it and closes the grid
/// (Escape closes it too).
///
/// data-testids: `emoji-button` (the toggle), `emoji-picker` (the grid), `emoji-option` (each
/// emoji).
#[component]
pub fn EmojiPicker(
    on_pick: Callback<String>,
    /// The interface language (labels and titles); Vietnamese when not given.
    #[prop(optional, into)]
    lang: Option<Signal<Lang>>,
) -> impl IntoView {
    let lang = lang.unwrap_or_else(|| Signal::stored(Lang::Vi));
    let t = move |key: Ui| ui(key, lang.get());
    let open = RwSignal::new(false);
    view! {
        <div class="emoji-wrap">
            <button
                type="button"
                class="emoji-button"
                data-testid="emoji-button"
                title=move || t(Ui::EmojiTitle)
                aria-label=move || t(Ui::EmojiTitle)
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "😊"
            </button>
            {move || {
                open.get()
                    .then(|| {
                        view! {
                            <div
                                class="emoji-picker"
                                role="dialog"
                                data-testid="emoji-picker"
                                aria-label=move || t(Ui::EmojiTitle)
                                on:keydown=move |ev| {
                                    if ev.key() == "Escape" {
                                        open.set(false);
                                    }
                                }
                            >
                                {CATEGORIES
                                    .iter()
                                    .map(|&(label, emoji)| {
                                        view! {
                                            <div class="emoji-category">{move || t(label)}</div>
                                            <div class="emoji-grid">
                                                {emoji
                                                    .iter()
                                                    .map(|&e| {
                                                        view! {
                                                            <button
                                                                type="button"
                                                                class="emoji-option"
                                                                data-testid="emoji-option"
                                                                title=e
                                                                on:click=move |_| {
                                                                    on_pick.run(e.to_owned());
                                                                    open.set(false);
                                                                }
                                                            >
                                                                {e}
                                                            </button>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                    })
            }}
        </div>
    }
}
