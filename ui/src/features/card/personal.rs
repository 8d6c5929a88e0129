//! Birthday and gender.

use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::{Date, Gender};
use nobi_core::i18n::Ui;

#[component]
pub(crate) fn Personal() -> impl IntoView {
    let state = use_app();
    let t = move |key: Ui| state.t(key);
    let birthday = move || state.customer.with(|c| c.as_ref().and_then(|c| c.birthday));
    let gender = move || match state.customer.with(|c| c.as_ref().and_then(|c| c.gender)) {
        Some(Gender::Female) => "female",
        Some(Gender::Male) => "male",
        Some(Gender::Other) => "other",
        None => "",
    };
    view! {
        <section class="card grid2">
            <label>{move || t(Ui::Birthday)}
                <crate::widgets::DateInput value=Signal::derive(birthday) lang=state.lang testid="birthday"
                    on_change=Callback::new(move |value: Option<Date>| {
                        state.edit(move |c, _| { c.birthday = value; Vec::new() });
                    })/>
            </label>
            <label>{move || t(Ui::Gender)}
                <select data-testid="gender" prop:value=gender on:change=move |ev| {
                    let value = match event_target_value(&ev).as_str() {
                        "female" => Some(Gender::Female),
                        "male" => Some(Gender::Male),
                        "other" => Some(Gender::Other),
                        _ => None,
                    };
                    state.edit(move |c, _| { c.gender = value; Vec::new() });
                }>
                    <option value="">{move || t(Ui::GenderUnset)}</option>
                    <option value="female">{move || t(Ui::GenderFemale)}</option>
                    <option value="male">{move || t(Ui::GenderMale)}</option>
                    <option value="other">{move || t(Ui::GenderOther)}</option>
                </select>
            </label>
        </section>
    }
}
