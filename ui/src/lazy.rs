//! The panel's screens that load on first use, as their own wasm chunks.
//!
//! Each `#[lazy]` function below is a split point (Leptos's wasm-split): the build (`build.sh`,
//! `wasm-split-cli`) moves the code that only it reaches into a separate module, fetched the
//! first time the agent opens that screen, and the code several of them share into shared
//! chunks. The first module keeps what the customer card and the composer need, so the panel
//! opens fast; the data tools (CSV/XLSX import, backup), the products and templates tabs, the
//! list, the order form and detail, the address form and the media library arrive when asked
//! for. Every screen shows "Đang tải…" for the moment its chunk takes.
//!
//! Invariant: a screen is reached only through these functions, never by name from the first
//! module; otherwise its code stays in the first module (nothing breaks, it just stops being
//! lazy — `./build.sh bench` prints each chunk's size, so a screen that stops being split shows).

use leptos::prelude::*;
use nobi_core::crm::{Customer, CustomerAddress, MediaItem};
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::{Order, OrderDraft};
use std::future::Future;
use std::time::Duration;

/// A screen from a chunk, not yet built: it is built where it is shown, under that place's
/// reactive owner, so that its signals and its effects belong to the same owner and go away
/// together. (A view built inside the future that loads the chunk would own its signals there,
/// while the effects tachys creates when it mounts the view belong elsewhere: rebuilding the card
/// for another customer disposed the signals and left the effects to run on them.)
pub type Build = Box<dyn FnOnce() -> AnyView + Send>;

/// Declares a split point: `#[lazy]` (a chunk of its own) returning the screen's [`Build`], or
/// with the `unsplit` feature a plain `async fn` (the wasm-bindgen tests load the panel's code as
/// one module, with no chunk loader to resolve a split point's import).
macro_rules! split_point {
    ($(#[$attr:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> AnyView $body:block) => {
        $(#[$attr])*
        #[cfg(not(feature = "unsplit"))]
        #[lazy]
        pub fn $name($($arg: $ty),*) -> Build {
            Box::new(move || $body)
        }

        $(#[$attr])*
        #[cfg(feature = "unsplit")]
        pub async fn $name($($arg: $ty),*) -> Build {
            Box::new(move || $body)
        }
    };
}

/// Loads `screen`'s chunk once `start` is true (at once without one), then builds the screen in
/// place (under the owner of the closure that shows it); `waiting` is shown until then.
fn when_loaded(
    screen: impl Future<Output = Build> + 'static,
    waiting: impl Fn() -> AnyView + Send + 'static,
    start: Option<Signal<bool>>,
    defer: bool,
) -> impl IntoView {
    let ready = RwSignal::new_local(None::<Build>);
    let load = move |screen| {
        leptos::task::spawn_local(async move {
            let build = screen.await;
            // The place may be gone (the agent moved on) by the time the chunk arrives.
            let _ = ready.try_set(Some(build));
        })
    };
    // A section's chunk (and the dozens of small shared chunks it needs) is requested after the
    // next frame: issuing those requests in the same turn as the card delayed the card itself.
    let after_paint = move |screen| {
        request_animation_frame(move || set_timeout(move || load(screen), Duration::ZERO))
    };
    match start {
        None if defer => after_paint(screen),
        None => load(screen),
        Some(start) => {
            let pending = StoredValue::new_local(Some(screen));
            Effect::new(move |_| {
                if start.get() {
                    if let Some(screen) = pending.try_update_value(Option::take).flatten() {
                        after_paint(screen);
                    }
                }
            });
        }
    }
    move || {
        ready.track();
        match ready.try_update_untracked(Option::take).flatten() {
            // Untracked: what the screen reads while it is set up must not rebuild it.
            Some(build) => untrack(build),
            None => waiting(),
        }
    }
}

/// Shows `screen` once its chunk has arrived, "Đang tải…" until then.
pub fn loaded(screen: impl Future<Output = Build> + 'static) -> impl IntoView {
    let lang = crate::state::use_app().lang;
    when_loaded(
        screen,
        move || {
            view! { <p class="muted loading" data-testid="loading-screen">{move || ui(Ui::Loading, lang.get())}</p> }
            .into_any()
        },
        None,
        false,
    )
}

/// Shows a card section once its chunk has arrived, nothing until then: the rest of the card is
/// already there, so a "Đang tải…" line for a few milliseconds would only flicker.
pub fn section(screen: impl Future<Output = Build> + 'static) -> impl IntoView {
    when_loaded(screen, || ().into_any(), None, true)
}

/// Like [`section`], for what is not part of the card (the composer's tools, the footer's
/// diagnostic): its chunk is requested only once the panel has settled — the first customer
/// shown, or no conversation to show ([`crate::state::AppState::settled`]) — so that fetching and
/// compiling it does not delay the card of a cold open.
pub fn after_card(screen: impl Future<Output = Build> + 'static) -> impl IntoView {
    let settled = crate::state::use_app().settled;
    when_loaded(screen, || ().into_any(), Some(settled.into()), true)
}

split_point! {
pub fn data_tab() -> AnyView {
    view! { <crate::features::team::TeamSettings/> <crate::features::data::DataView/> }.into_any()
}
}

split_point! {
/// Team sync's status line under the header (nothing when no server is connected).
pub fn team_watch() -> AnyView {
    view! { <crate::features::team::TeamWatch/> }.into_any()
}
}

split_point! {
/// The card's "who has this buyer" row in team mode.
pub fn team_row() -> AnyView {
    view! { <crate::features::team::AssigneeRow/> }.into_any()
}
}

split_point! {
pub fn campaigns_tab() -> AnyView {
    view! { <crate::features::campaigns::CampaignsView/> }.into_any()
}
}

split_point! {
pub fn products_tab() -> AnyView {
    view! { <crate::features::products::ProductsView/> }.into_any()
}
}

split_point! {
pub fn templates_tab() -> AnyView {
    view! {
        <crate::features::templates::TemplatesView />
        <section class="card"><crate::features::media::MediaLibrary/></section>
    }
    .into_any()
}
}

split_point! {
pub fn customer_list(on_open: Callback<Customer>) -> AnyView {
    view! { <crate::features::list::CustomerList on_open=on_open/> }.into_any()
}
}

split_point! {
pub fn order_form(on_done: Callback<Option<Order>>, draft: Option<OrderDraft>) -> AnyView {
    match draft {
        Some(draft) => {
            view! { <crate::features::orders::OrderForm on_done=on_done draft=draft/> }.into_any()
        }
        None => view! { <crate::features::orders::OrderForm on_done=on_done/> }.into_any(),
    }
}
}

split_point! {
pub fn order_detail(
    order: Order,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
    on_close: Callback<()>,
) -> AnyView {
    view! { <crate::features::orders::OrderDetail order=order orders=orders error=error on_close=on_close/> }
        .into_any()
}
}

split_point! {
pub fn address_form(
    lang: Signal<Lang>,
    initial: CustomerAddress,
    suggestions: Signal<Vec<String>>,
    on_save: Callback<CustomerAddress>,
    on_cancel: Callback<()>,
) -> AnyView {
    view! {
        <crate::features::address::form::AddressForm lang=lang initial=initial suggestions=suggestions
            on_save=on_save on_cancel=on_cancel/>
    }
    .into_any()
}
}

split_point! {
pub fn media_picker(on_pick: Callback<MediaItem>) -> AnyView {
    view! { <crate::features::media::MediaLibrary on_pick=on_pick/> }.into_any()
}
}

split_point! {
/// The card's e-mails, birthday and gender, tags, conversation fields and saved addresses.
pub fn card_fields() -> AnyView {
    use crate::features::card::{Addresses, Emails, Fields, Personal, Tags};
    view! { <Emails/> <Personal/> <Tags/> <Fields/> <Addresses/> }.into_any()
}
}

split_point! {
/// The card's last sections: other customers with the same phone, and the history.
pub fn card_history() -> AnyView {
    use crate::features::card::{History, SamePhone};
    view! { <SamePhone/> <History/> }.into_any()
}
}

split_point! {
pub fn orders_section() -> AnyView {
    view! { <crate::features::orders::OrdersSection/> }.into_any()
}
}

split_point! {
/// The composer's template menu, and the rendering of the template picked.
pub fn template_menu(
    query: Signal<String>,
    on_rendered: Callback<crate::features::templates::insert::Rendered>,
    on_close: Callback<()>,
) -> AnyView {
    view! {
        <crate::features::templates::insert::TemplateInsert query=query
            on_rendered=on_rendered on_close=on_close/>
    }
    .into_any()
}
}

split_point! {
/// The messages sent to `thread` (or, with none, every message still pending anywhere).
pub fn outbox_list(thread: Option<nobi_core::protocol::ThreadRef>) -> AnyView {
    view! { <crate::features::composer::OutboxList thread=thread/> }.into_any()
}
}

split_point! {
/// The footer's "check the page" button and what it finds.
pub fn diagnostic(thread: Memo<Option<nobi_core::protocol::ThreadRef>>) -> AnyView {
    view! { <crate::features::diagnostic::Diagnostic thread=thread/> }.into_any()
}
}

split_point! {
/// The keyboard shortcuts' overlay.
pub fn help(on_close: Callback<()>) -> AnyView {
    view! { <crate::features::help::Help on_close=on_close/> }.into_any()
}
}

split_point! {
/// The composer's emoji button and grid.
pub fn emoji_picker(on_pick: Callback<String>) -> AnyView {
    let lang = crate::state::use_app().lang;
    view! { <crate::widgets::emoji::EmojiPicker lang=lang on_pick=on_pick/> }.into_any()
}
}
