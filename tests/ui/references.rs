// References: `clear` needs an Option field, `on_delete` needs `references`,
// one label only, and known on_delete values.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "tasks:*")]
struct Task {
    id: String,
    version: i64,
    #[rtux(label)]
    title: String,
    #[rtux(label)]
    body: String,
    #[rtux(references = "people:all", on_delete = "clear")]
    owner: String,
    #[rtux(on_delete = "refuse")]
    reviewer: Option<String>,
    #[rtux(references = "people:all", on_delete = "cascade")]
    watcher: Option<String>,
}

fn main() {}
