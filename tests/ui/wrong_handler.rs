// A handler of the wrong type is reported at its `with` attribute.
#[derive(Clone, serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*")]
#[rtux(action(rename(kind = "pending", with = "Note::rename")))]
struct Note {
    id: String,
    version: i64,
    title: String,
}

impl Note {
    fn rename(&self) -> Note {
        self.clone()
    }
}

fn main() {}
