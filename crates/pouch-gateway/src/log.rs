//! Structured logs: one JSON object per line on standard error, with a time, a level, a
//! message and fields. Nothing here buffers: a killed worker has logged what it did.

use std::io::Write;

/// Writes one log line: `{"ts_ms":..,"level":..,"msg":..,...fields}`.
pub fn log(level: &str, msg: &str, fields: serde_json::Value) {
    let ts_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut line = serde_json::json!({"ts_ms": ts_ms, "level": level, "msg": msg});
    if let (Some(obj), serde_json::Value::Object(extra)) = (line.as_object_mut(), fields) {
        obj.extend(extra);
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// An informational line.
pub fn info(msg: &str, fields: serde_json::Value) {
    log("info", msg, fields);
}

/// A warning: something failed and will be retried.
pub fn warn(msg: &str, fields: serde_json::Value) {
    log("warn", msg, fields);
}

/// An error the operator must act on.
pub fn error(msg: &str, fields: serde_json::Value) {
    log("error", msg, fields);
}
