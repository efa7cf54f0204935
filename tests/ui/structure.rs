// What a resource must have, and what the derives can't take.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
struct NoTopic {
    title: String,
}

#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:* ")]
#[rtux(action(undo(kind = "editable"), archive, bump(kind = "server_corrects"), save(kind = "editable", with = "Note::save")))]
struct Note {
    id: String,
    version: i64,
}

#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "items:*")]
struct Generic<T> {
    id: String,
    version: i64,
    item: T,
}

#[derive(rtux::PresenceMeta)]
struct Tuple(String);

#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "camel:*")]
#[serde(rename_all = "camelCase")]
struct Camel {
    id: String,
    version: i64,
}

fn main() {}
