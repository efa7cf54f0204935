//! << title >>: a real-time resource, made with `rtux gen resource << name >>`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use rtux::ui::minijinja::context;

use crate::app::{App, Fragment, Page, fragment};
use crate::views;

/// The topic of the page's << plural >>.
pub const PAGE_TOPIC: &str = "<< topic_prefix >>:all";
[% for f in fields if f.input == "select" %]

/// The << f.label | lower >> of a << snake >>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum << f.enum_name >> {
[% for v in f["values"] %]
    /// << v.label >>.
[% if loop.first %]
    #[default]
[% endif %]
    << v.variant >>,
[% endfor %]
}
[% endfor %]

/// One << snake_words >>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "<< topic_prefix >>:*", view = "<< snake >>/item.html", drafts[% if lock %], locks[% endif %][% if presence %], presence = "<< presence >>"[% endif %])]
[% if checked %]
#[rtux(validate = "<< name >>::validate")]
[% endif %]
#[rtux(action(
    add(kind = "insert"),
    save(kind = "<< save_kind >>"),
    delete(<< delete >>),
))]
pub struct << name >> {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
[% for f in fields %]
    /// << f.label >>[% if f.reference %] (the id of a << f.reference >>)[% endif %].
[% for a in f.attrs %]
    << a >>
[% endfor %]
    pub << f.name >>: << f.rust_type >>,
[% endfor %]
}

[% if checked %]
impl << name >> {
    /// Refuses what a person may not save, beside its field: [% for f in fields if f.max_chars %][% if not loop.first %], [% endif %]<< f.name >>[% if f.required %] (required)[% endif %] up to << f.max_chars >> characters[% endfor %].
    /// Values of the wrong type are refused beside their field before this runs.
    fn validate(&self) -> Result<(), rtux::action::Reject> {
[% for f in fields if f.max_chars %]
        rtux::model::check_text("<< f.name >>", &self.<< f.name >>, << "true" if f.required else "false" >>, << f.max_chars >>)?;
[% endfor %]
        Ok(())
    }
}

[% endif %]
/// `/<< plural >>` and the list it loads[% if signed_in %], for signed-in people only (the
/// channel is guarded too: see `app.rs`)[% endif %].
pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/<< plural >>", get(page))
        .route("/<< plural >>/list", get(list))
}

[% if signed_in %]
async fn page(State(app): State<App>, crate::auth::SignedIn(person): crate::auth::SignedIn) -> Page {
[% else %]
async fn page(State(app): State<App>, person: crate::identity::Person) -> Page {
[% endif %]
    let list = rtux::ui::async_records::< << name >> >("/<< plural >>/list", 3);
[% if presence %]
    let presence = rtux::ui::presence(PAGE_TOPIC, &app.endpoint.presence().list(PAGE_TOPIC));
    let context = context! { topic => PAGE_TOPIC, presence => presence, list => list };
[% else %]
    let context = context! { topic => PAGE_TOPIC, list => list };
[% endif %]
    app.page(&person, views::render("<< snake >>/page.html", context))
}

[% if signed_in %]
async fn list(State(app): State<App>, _: crate::auth::SignedIn) -> Fragment {
[% else %]
async fn list(State(app): State<App>) -> Fragment {
[% endif %]
    fragment(&app, PAGE_TOPIC, |topic, records| {
        views::render("<< snake >>/list.html", context! { items => views::items(topic, records) })
    })
    .await
}
