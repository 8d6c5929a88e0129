//! The composer's template menu with its rendering: a picked template is filled in for the open
//! customer (their latest order included) and handed to the composer as text, images and the
//! variables that could not be filled. Here rather than in the composer so that rendering —
//! reading the latest order, the images — loads with the menu's chunk, not with the panel.

use super::vars::current_vars;
use super::TemplateMenu;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::protocol::Attachment;
use nobi_core::template::Template;

/// A template rendered for the composer: its text, its images, and a warning per variable
/// that could not be filled.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub text: String,
    pub images: Vec<Attachment>,
    pub warnings: Vec<String>,
}

#[component]
pub fn TemplateInsert(
    #[prop(into)] query: Signal<String>,
    on_rendered: Callback<Rendered>,
    on_close: Callback<()>,
) -> impl IntoView {
    let state = use_app();
    let loaded = LocalResource::new(move || state.ensure_templates());
    Effect::new(move |_| loaded.track());
    let render = Action::new_local(move |template: &Template| {
        let template = template.clone();
        async move {
            let vars = current_vars(state).await;
            let (text, image_ids, warnings) = nobi_core::template::render_into_composer(
                &template,
                &vars,
                state.lang.get_untracked(),
            );
            let images = crate::db::media::attachments(&image_ids).await;
            // The composer may be gone (another thread opened) by the time the images are read.
            on_rendered.try_run(Rendered {
                text,
                images,
                warnings,
            });
        }
    });
    view! {
        <TemplateMenu templates=state.templates query=query
            on_pick=Callback::new(move |template: Template| { render.dispatch(template); })
            on_close=on_close/>
    }
}
