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

use crate::card::CardState;
use leptos::prelude::*;
use nobi_core::crm::{Customer, CustomerAddress, MediaItem};
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::{Order, OrderDraft};
use nobi_core::template::Template;
use std::future::Future;

/// Shows `screen` once its chunk has arrived, "Đang tải…" until then.
pub fn loaded(
    lang: RwSignal<Lang>,
    screen: impl Future<Output = AnyView> + Send + 'static,
) -> impl IntoView {
    view! {
        <Suspense fallback=move || view! { <p class="muted loading" data-testid="loading-screen">{ui(Ui::Loading, lang.get())}</p> }>
            {Suspend::new(screen)}
        </Suspense>
    }
}

#[lazy]
pub fn data_tab(state: CardState) -> AnyView {
    view! { <crate::transfer::DataView state=state/> }.into_any()
}

#[lazy]
pub fn products_tab(state: CardState) -> AnyView {
    view! { <crate::products::ProductsView state=state/> }.into_any()
}

#[lazy]
pub fn templates_tab(state: CardState, templates: RwSignal<Vec<Template>>) -> AnyView {
    view! {
        <crate::templates::TemplatesView state=state templates=templates/>
        <section class="card"><crate::media::MediaLibrary state=state/></section>
    }
    .into_any()
}

#[lazy]
pub fn customer_list(state: CardState, on_open: Callback<Customer>) -> AnyView {
    view! { <crate::list::CustomerList state=state on_open=on_open/> }.into_any()
}

#[lazy]
pub fn order_form(
    state: CardState,
    on_done: Callback<Option<Order>>,
    draft: Option<OrderDraft>,
) -> AnyView {
    match draft {
        Some(draft) => {
            view! { <crate::orders::OrderForm state=state on_done=on_done draft=draft/> }.into_any()
        }
        None => view! { <crate::orders::OrderForm state=state on_done=on_done/> }.into_any(),
    }
}

#[lazy]
pub fn order_detail(
    state: CardState,
    order: Order,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
    on_close: Callback<()>,
) -> AnyView {
    view! { <crate::orders::OrderDetail state=state order=order orders=orders error=error on_close=on_close/> }
        .into_any()
}

#[lazy]
pub fn address_form(
    lang: Signal<Lang>,
    initial: CustomerAddress,
    suggestions: Signal<Vec<String>>,
    on_save: Callback<CustomerAddress>,
    on_cancel: Callback<()>,
) -> AnyView {
    view! {
        <crate::address_form::AddressForm lang=lang initial=initial suggestions=suggestions
            on_save=on_save on_cancel=on_cancel/>
    }
    .into_any()
}

#[lazy]
pub fn media_picker(state: CardState, on_pick: Callback<MediaItem>) -> AnyView {
    view! { <crate::media::MediaLibrary state=state on_pick=on_pick/> }.into_any()
}
