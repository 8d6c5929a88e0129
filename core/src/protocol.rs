//! Every message that crosses a context boundary, one enum per direction.
//!
//! The extension has three kinds of context: the side panel (Leptos), the service worker (the
//! "background") and one content script per Instagram/Facebook tab. They talk only through
//! `chrome.runtime.sendMessage` / `chrome.tabs.sendMessage`, and only with the types below,
//! serialised as JSON-compatible objects. A message that does not parse is dropped with an error
//! reply; nothing else is ever interpreted.
//!
//! Wire format: serde's default, externally tagged enums (`"describe"`,
//! `{"send_text": {"request_id": …}}`). Internally tagged enums (`{"type": …}`) read more nicely
//! but make serde buffer every message into an intermediate tree first, which cost 17 KB gzip in
//! each wasm module, more than a third of the service worker's budget.
//!
//! Directions:
//! - [`PanelToBackground`] — requests from the panel; answered with a [`BackgroundToPanel`].
//! - [`BackgroundToContent`] — orders to one tab's content script; answered with a [`ContentReply`].
//! - [`ContentToBackground`] — notices from a content script (the tab id comes from the sender,
//!   never from the message body).
//! - [`BackgroundToPanel`] is also broadcast when the open conversation changes.

use serde::{Deserialize, Serialize};

/// The web surfaces Nobi Pro types into. One site adapter each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// `www.instagram.com/direct/...`
    Instagram,
    /// Messenger inside `www.facebook.com/messages/...`
    Facebook,
    /// `www.messenger.com/t/...`
    Messenger,
    /// Meta Business Suite inbox, `business.facebook.com/latest/inbox/...`
    BusinessSuite,
}

/// Names a conversation across contexts: a message is only ever typed into the thread it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadRef {
    pub platform: Platform,
    pub thread_id: String,
}

/// What a content script sees of the conversation open in its tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub thread: ThreadRef,
    /// The buyer's display name as the page shows it (NFC, not escaped: the panel escapes).
    pub buyer_name: Option<String>,
    /// The page URL the conversation was read from.
    pub url: String,
    /// The page's UI language as detected from its labels (`"vi"`, `"en"`), if known.
    pub ui_language: Option<String>,
}

/// How a content script runs: as wasm, or as the wasm2js build where the page's CSP forbids wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    #[default]
    Wasm,
    Wasm2js,
}

/// Requests from the side panel to the service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelToBackground {
    /// Which conversation is the agent looking at? Answered with [`BackgroundToPanel::Conversation`].
    GetConversation,
    /// Type and send `text` into the tab that shows `to`. Answered with
    /// [`BackgroundToPanel::SendResult`].
    SendText {
        request_id: String,
        to: ThreadRef,
        text: String,
    },
}

/// Replies and broadcasts from the service worker to the side panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackgroundToPanel {
    /// The conversation open in the tab the agent last used, or none.
    Conversation {
        tab_id: Option<i32>,
        conversation: Option<Conversation>,
        /// How that tab's content script runs.
        engine: Option<Engine>,
    },
    /// The outcome of a [`PanelToBackground::SendText`].
    SendResult {
        request_id: String,
        outcome: SendOutcome,
    },
    /// The request could not be understood (a bug, or a panel/worker version mismatch).
    Error { message: String },
}

/// Orders from the service worker to the content script of one tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackgroundToContent {
    /// Describe the open conversation. Answered with [`ContentReply::Conversation`].
    Describe,
    /// Type `text` into the composer of thread `to` and send it. Answered with
    /// [`ContentReply::Sent`]. The content script aborts, without typing, if the open thread is
    /// not `to`.
    SendText {
        request_id: String,
        to: ThreadRef,
        text: String,
    },
}

/// Replies of a content script to a [`BackgroundToContent`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentReply {
    Conversation {
        conversation: Option<Conversation>,
    },
    Sent {
        request_id: String,
        outcome: SendOutcome,
    },
    Error {
        message: String,
    },
}

/// Notices a content script sends on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentToBackground {
    /// The tab now shows this conversation (on load and after every in-page navigation).
    ConversationOpened {
        conversation: Conversation,
        engine: Engine,
    },
    /// The tab no longer shows a conversation (inbox, profile, another page).
    ConversationClosed,
}

/// How a send ended. "Sent" means confirmed on the page: the composer emptied and an outgoing
/// bubble with exactly that text appeared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendOutcome {
    Sent,
    Failed { reason: FailReason },
}

/// Why a send failed. Each reason has a translated, actionable text in [`crate::i18n`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// No tab shows this conversation.
    NoConversationTab,
    /// The page has no composer we recognise (logged out, layout changed, still loading).
    ComposerNotFound,
    /// The page shows the login form.
    NotLoggedIn,
    /// The open thread is not the one the message was addressed to; nothing was typed.
    WrongConversation,
    /// The platform shows "Action Blocked" / "Try again later".
    BlockedByPlatform,
    /// The page refused the attached file.
    AttachmentRejected,
    /// The composer did not empty, or no outgoing bubble appeared, in time.
    Timeout,
    /// The tab or its content script did not answer (closed, reloaded, not yet injected).
    TabUnreachable,
}

impl FailReason {
    /// Returns true if and only if trying the same send again later may succeed without the
    /// agent doing anything.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            FailReason::ComposerNotFound | FailReason::Timeout | FailReason::TabUnreachable
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) -> String {
        let json = serde_json::to_string(&value).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value, "{json}");
        json
    }

    fn thread() -> ThreadRef {
        ThreadRef {
            platform: Platform::Instagram,
            thread_id: "340282366841710300949128".into(),
        }
    }

    fn conversation() -> Conversation {
        Conversation {
            thread: thread(),
            buyer_name: Some("Nguyễn Thị Hồng <b>".into()),
            url: "https://www.instagram.com/direct/t/340282366841710300949128/".into(),
            ui_language: Some("vi".into()),
        }
    }

    #[test]
    fn every_message_round_trips_through_json() {
        round_trip(PanelToBackground::GetConversation);
        round_trip(PanelToBackground::SendText {
            request_id: "r1".into(),
            to: thread(),
            text: "Xin chào 👋 chị ơi\nDạ".into(),
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: Some(7),
            conversation: Some(conversation()),
            engine: Some(Engine::Wasm2js),
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: None,
            conversation: None,
            engine: None,
        });
        round_trip(BackgroundToPanel::Error {
            message: "x".into(),
        });
        round_trip(BackgroundToContent::Describe);
        round_trip(BackgroundToContent::SendText {
            request_id: "r2".into(),
            to: thread(),
            text: "ok".into(),
        });
        round_trip(ContentReply::Conversation {
            conversation: Some(conversation()),
        });
        round_trip(ContentToBackground::ConversationOpened {
            conversation: conversation(),
            engine: Engine::Wasm,
        });
        round_trip(ContentToBackground::ConversationClosed);
        for reason in [
            FailReason::NoConversationTab,
            FailReason::ComposerNotFound,
            FailReason::NotLoggedIn,
            FailReason::WrongConversation,
            FailReason::BlockedByPlatform,
            FailReason::AttachmentRejected,
            FailReason::Timeout,
            FailReason::TabUnreachable,
        ] {
            round_trip(BackgroundToPanel::SendResult {
                request_id: "r3".into(),
                outcome: SendOutcome::Failed { reason },
            });
        }
    }

    #[test]
    fn wire_format_is_stable() {
        // The JS loaders and stored records read these names: changing them is a migration.
        assert_eq!(
            round_trip(ContentReply::Sent {
                request_id: "r".into(),
                outcome: SendOutcome::Failed {
                    reason: FailReason::WrongConversation
                }
            }),
            r#"{"sent":{"request_id":"r","outcome":{"failed":{"reason":"wrong_conversation"}}}}"#
        );
        assert_eq!(
            round_trip(PanelToBackground::GetConversation),
            r#""get_conversation""#
        );
    }

    #[test]
    fn unknown_messages_are_rejected() {
        assert!(
            serde_json::from_str::<BackgroundToContent>(r#"{"type":"eval","code":"1"}"#).is_err()
        );
        assert!(serde_json::from_str::<BackgroundToContent>(r#"{"text":"hi"}"#).is_err());
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(FailReason::Timeout.is_retryable());
        assert!(!FailReason::WrongConversation.is_retryable());
        assert!(!FailReason::BlockedByPlatform.is_retryable());
        assert!(!FailReason::NotLoggedIn.is_retryable());
    }
}
