//! Date fields written `dd/mm/yyyy`, as Vietnamese shops write dates.
//!
//! `<input type="date">` shows the browser's own format (`mm/dd/yyyy` in an English Chrome),
//! which an agent reads the wrong way round; these are text fields read by `nobi_core`'s
//! [`Date::parse`] and [`LocalDateTime::parse`]. What does not read as a date is refused with a
//! message, and the previous value is kept: a typo never clears a birthday.

use leptos::prelude::*;
use nobi_core::crm::{Date, LocalDateTime};
use nobi_core::i18n::{ui, Lang, Ui};

/// A calendar date. `on_change` receives `None` when the agent empties the field, and is not
/// called while the text does not read as a date.
#[component]
pub fn DateInput(
    #[prop(into)] value: Signal<Option<Date>>,
    on_change: Callback<Option<Date>>,
    #[prop(into)] lang: Signal<Lang>,
    testid: &'static str,
) -> impl IntoView {
    let invalid = RwSignal::new(false);
    view! {
        <input type="text" class="date-input" inputmode="numeric" autocomplete="off" data-testid=testid
            placeholder=move || ui(Ui::DateFormatHint, lang.get())
            aria-invalid=move || invalid.get().to_string()
            prop:value=move || value.get().map(Date::to_vn).unwrap_or_default()
            on:change=move |ev| {
                let text = event_target_value(&ev);
                let parsed = Date::parse(&text);
                let empty = text.trim().is_empty();
                invalid.set(!empty && parsed.is_none());
                if empty || parsed.is_some() {
                    on_change.run(parsed);
                    // The field shows the date as stored, even when it did not change.
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    input.set_value(&parsed.map(Date::to_vn).unwrap_or_default());
                }
            }/>
        {move || invalid.get().then(|| view! {
            <span class="error field-error" role="alert" data-testid=format!("{testid}-error")>{ui(Ui::DateInvalid, lang.get())}</span>
        })}
    }
}

/// A moment of the agent's day (`dd/mm/yyyy hh:mm`), for scheduling. The text stays in `value`;
/// its reader is [`local_ms`]. Text that does not read as a moment is said to be wrong when the
/// agent leaves the field.
#[component]
pub fn DateTimeInput(
    value: RwSignal<String>,
    #[prop(into)] lang: Signal<Lang>,
    testid: &'static str,
) -> impl IntoView {
    let invalid = RwSignal::new(false);
    view! {
        <input type="text" class="date-input" autocomplete="off" data-testid=testid
            placeholder=move || ui(Ui::DateTimeFormatHint, lang.get())
            aria-invalid=move || invalid.get().to_string()
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
            on:change=move |ev| {
                let text = event_target_value(&ev);
                let parsed = LocalDateTime::parse(&text);
                invalid.set(!text.trim().is_empty() && parsed.is_none());
                value.set(parsed.map(LocalDateTime::to_vn).unwrap_or(text));
            }/>
        {move || invalid.get().then(|| view! {
            <span class="error field-error" role="alert" data-testid=format!("{testid}-error")>{ui(Ui::DateTimeInvalid, lang.get())}</span>
        })}
    }
}

/// Unix milliseconds of a `dd/mm/yyyy hh:mm[:ss]` text read in the browser's time zone, or `None`
/// when it does not read as a moment.
pub fn local_ms(text: &str) -> Option<u64> {
    let at = LocalDateTime::parse(text)?;
    let ms = js_sys::Date::new_with_year_month_day_hr_min_sec(
        u32::from(at.date.year),
        i32::from(at.date.month) - 1,
        i32::from(at.date.day),
        i32::from(at.hour),
        i32::from(at.minute),
        i32::from(at.second),
    )
    .get_time();
    (ms.is_finite() && ms > 0.0).then_some(ms as u64)
}
