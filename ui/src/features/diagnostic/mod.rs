//! The field diagnostic, from the health line: a dry check of the page the agent looks at (the
//! content script finds the composer, the thread signature, the messages and the send control,
//! and types nothing), and the layout report to send to whoever maintains the adapter. The
//! report holds no text of the page (the content script leaves every text, label value, URL
//! and id out; see `extension/content/src/diagnose.rs`).

use crate::chrome;
use crate::files::download;
use leptos::prelude::*;
use nobi_core::i18n::{signal as signal_name, ui, Lang, Ui};
use nobi_core::protocol::{BackgroundToPanel, Diagnosis, PanelToBackground, ThreadRef};

/// The "Check the page" button and, once run, what the check found.
#[component]
pub fn Diagnostic(thread: Memo<Option<ThreadRef>>) -> impl IntoView {
    let lang = crate::state::use_app().lang;
    let t = move |key: Ui| ui(key, lang.get());
    let run = Action::new_local(move |thread: &Option<ThreadRef>| {
        let thread = thread.clone();
        async move {
            match chrome::ask(&PanelToBackground::Diagnose { thread }).await {
                Ok(BackgroundToPanel::Diagnosis {
                    diagnosis: Some(d), ..
                }) => Some(d),
                _ => None,
            }
        }
    });
    let result = run.value();
    view! {
        <div class="diagnostic">
            <button
                data-testid="check-page"
                title=move || t(Ui::CheckPageHint)
                disabled=move || run.pending().get()
                on:click=move |_| {
                    run.dispatch(thread.get_untracked());
                }
            >
                {move || t(Ui::CheckPage)}
            </button>
            {move || match result.get() {
                None => ().into_any(),
                Some(None) => view! {
                    <p class="error" data-testid="check-page-failed">{t(Ui::CheckPageFailed)}</p>
                }
                .into_any(),
                Some(Some(d)) => view! { <Checks lang=lang diagnosis=d/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Checks(lang: RwSignal<Lang>, diagnosis: Diagnosis) -> impl IntoView {
    let report = diagnosis.layout_report.clone();
    let rows = diagnosis
        .checks
        .into_iter()
        .map(|c| {
            let mark = if c.found { "✓" } else { "✗" };
            let detail = match (&c.via, c.count) {
                (Some(via), 0) => via.clone(),
                (Some(via), n) => format!("{via} · {n}"),
                (None, 0) => String::new(),
                (None, n) => n.to_string(),
            };
            view! {
                <li class=if c.found { "check-ok" } else { "check-bad" } data-signal=format!("{:?}", c.signal)>
                    <span class="mark">{mark}</span>
                    " "
                    {move || signal_name(c.signal, lang.get())}
                    <span class="muted">{(!detail.is_empty()).then(|| format!(" — {detail}"))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="checks" data-testid="checks">{rows}</ul>
        <button
            data-testid="layout-report"
            on:click=move |_| {
                let _ = download("nobi-layout-report.json", &report, "application/json");
            }
        >
            {move || ui(Ui::LayoutReport, lang.get())}
        </button>
    }
}
