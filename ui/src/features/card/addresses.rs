//! Saved delivery addresses, edited in the address form (its own chunk).

use crate::db::store::new_id;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::{CustomerAddress, Id};
use nobi_core::i18n::Ui;

#[component]
pub(crate) fn Addresses() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    // None: closed; Some(None): a new address; Some(Some(id)): editing that address.
    let editing = RwSignal::new(None::<Option<Id>>);
    let suggestions = Signal::derive(move || {
        state.buyer_messages.with(|m| {
            m.iter()
                .filter(|text| nobi_core::crm::looks_like_address(text))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let on_save = Callback::new(move |mut address: CustomerAddress| {
        let editing_id = editing.get_untracked().flatten();
        editing.set(None);
        state.edit(move |c, _| {
            match editing_id.and_then(|id| c.addresses.iter().position(|a| a.id == id)) {
                Some(at) => {
                    address.id = c.addresses[at].id.clone();
                    let make_default = address.is_default;
                    c.addresses[at] = address;
                    if make_default {
                        let id = c.addresses[at].id.clone();
                        c.set_default_address(&id);
                    }
                }
                None => {
                    if address.id.0.is_empty() {
                        address.id = new_id();
                    }
                    c.add_address(address);
                }
            }
            Vec::new()
        });
    });
    let on_cancel = Callback::new(move |()| editing.set(None));
    view! {
        <section class="card" data-testid="addresses">
            <h3>{move || t(Ui::Addresses)}</h3>
            <ul class="rows">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.addresses.clone()).unwrap_or_default())
                    .into_iter()
                    .map(|a| {
                        let id = a.id.clone();
                        let id2 = a.id.clone();
                        let id3 = a.id.clone();
                        view! {
                            <li data-testid="address">
                                <span class="address-line">{a.one_line()}</span>
                                {a.is_default.then(|| view! { <span class="badge primary">{t(Ui::DefaultAddress)}</span> })}
                                {(!a.is_default).then(|| view! {
                                    <button class="link" on:click=move |_| {
                                        let id = id.clone();
                                        state.edit(move |c, _| { c.set_default_address(&id); Vec::new() });
                                    }>{t(Ui::MakeDefault)}</button>
                                })}
                                <button class="link" on:click=move |_| editing.set(Some(Some(id2.clone())))>{t(Ui::Edit)}</button>
                                <button class="icon" aria-label=t(Ui::Delete) on:click=move |_| {
                                    let id = id3.clone();
                                    state.edit(move |c, _| {
                                        let was_default = c.addresses.iter().any(|a| a.id == id && a.is_default);
                                        c.addresses.retain(|a| a.id != id);
                                        if was_default { if let Some(first) = c.addresses.first_mut() { first.is_default = true; } }
                                        Vec::new()
                                    });
                                }>"×"</button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || match editing.get() {
                None => view! {
                    <button data-testid="add-address" on:click=move |_| editing.set(Some(None))>{t(Ui::AddAddress)}</button>
                }.into_any(),
                Some(id) => {
                    let initial = id.and_then(|id| state.customer.with_untracked(|c| {
                        c.as_ref().and_then(|c| c.addresses.iter().find(|a| a.id == id).cloned())
                    }));
                    crate::lazy::loaded(crate::lazy::address_form(
                        Signal::from(state.lang), initial.unwrap_or_default(), suggestions, on_save, on_cancel,
                    )).into_any()
                }
            }}
        </section>
    }
}
