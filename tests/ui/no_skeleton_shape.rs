// A field whose type has no default skeleton shape needs one. One mistake is
// one error: the code using the resource still compiles (fallback impls).
use rtux::{model::Model, ui::SkeletonView};

#[derive(serde::Serialize, serde::Deserialize)]
struct Owner {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*")]
struct Note {
    id: String,
    version: i64,
    title: String,
    owner: Owner,
    #[rtux(skeleton = "lines(0)")]
    body: String,
}

async fn serve(store: rtux::store::Store) {
    let notes = Note::resource(store).expect("resource");
    let _ = (notes, Note::skeleton(), Note::TOPIC);
}

fn main() {
    let _ = serve;
}
