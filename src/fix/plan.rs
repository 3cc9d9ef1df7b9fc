//! From findings to patches: one patch per key (when two checks propose a value for the same
//! key, the more specific rule decides), user overrides, and the new text of each file.

use crate::checks::Finding;
use crate::config::{ConfigSet, DocId, EditValue};
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::PathBuf;

/// When several checks propose a value for one key, the first of these decides: a via-proxy
/// URL becomes the loopback URL whatever its scheme was.
const RULE_PRIORITY: &[&str] = &[
    "gateway.remote_url.via_proxy",
    "gateway.remote_url.port",
    "gateway.remote_url.scheme",
    "gateway.bind.invalid",
    "gateway.mode.invalid",
    "config.type_error",
];

/// What the user chose on top of the findings (`--only`/`--skip` already removed the
/// findings they exclude, with the one selector `check` uses).
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub bind: Option<String>,
    pub remote_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Patch {
    #[serde(skip)]
    pub doc: DocId,
    #[serde(skip)]
    pub keys: Vec<String>,
    pub file: PathBuf,
    pub path: String,
    pub from: Option<String>,
    pub from_value: Option<serde_json::Value>,
    pub to: EditValue,
    /// The findings this patch resolves.
    pub ids: Vec<&'static str>,
    /// The rule (check id or override flag) that chose `to`.
    pub decided_by: String,
}

pub fn plan(cfg: &ConfigSet, findings: &[Finding], opts: &PlanOptions) -> Vec<Patch> {
    let rank = |id: &str| {
        RULE_PRIORITY
            .iter()
            .position(|r| *r == id)
            .unwrap_or(usize::MAX)
    };
    let mut patches: Vec<Patch> = Vec::new();
    for finding in findings {
        let Some(proposal) = &finding.fix else {
            continue;
        };
        match patches
            .iter_mut()
            .find(|p| p.doc == proposal.doc && p.keys == proposal.keys)
        {
            Some(existing) => {
                if !existing.ids.contains(&finding.id) {
                    existing.ids.push(finding.id);
                }
                if rank(finding.id) < rank(&existing.decided_by) {
                    existing.to = proposal.to.clone();
                    existing.decided_by = finding.id.to_string();
                }
            }
            None => patches.push(Patch {
                doc: proposal.doc,
                keys: proposal.keys.clone(),
                file: proposal.file.clone(),
                path: proposal.path.clone(),
                from: proposal.from.clone(),
                from_value: proposal.from_value.clone(),
                to: proposal.to.clone(),
                ids: vec![finding.id],
                decided_by: finding.id.to_string(),
            }),
        }
    }
    let overrides = [
        ("gateway.bind", opts.bind.as_deref(), "--bind"),
        (
            "gateway.remote.url",
            opts.remote_url.as_deref(),
            "--remote-url",
        ),
    ];
    for (path, value, flag) in overrides {
        let Some(value) = value else { continue };
        let keys: Vec<&str> = path.split('.').collect();
        let current = cfg.get(&keys).map(|at| at.node.value.clone());
        if let Some(existing) = patches.iter_mut().find(|p| p.path == path) {
            existing.to = EditValue::String(value.to_string());
            existing.decided_by = flag.to_string();
            continue;
        }
        if current.as_ref().and_then(|v| v.as_str()) == Some(value) {
            continue;
        }
        if let Some((doc, doc_keys)) = cfg.edit_location(&keys) {
            patches.push(Patch {
                doc,
                keys: doc_keys,
                file: cfg.docs[doc].path.clone(),
                path: path.to_string(),
                from: current.as_ref().map(|v| v.display()),
                from_value: current.as_ref().map(|v| v.to_json()),
                to: EditValue::String(value.to_string()),
                ids: vec![],
                decided_by: flag.to_string(),
            });
        }
    }
    patches
}

/// One file's text before and after its patches.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub doc: DocId,
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}

/// Applies the patches of each file in turn (re-reading the edited text between patches, so
/// two inserts under one object land one after the other).
pub fn file_changes(cfg: &ConfigSet, patches: &[Patch]) -> Result<Vec<FileChange>> {
    if let Some(changes) = at_once(cfg, patches) {
        return Ok(changes);
    }
    let mut changes: Vec<FileChange> = Vec::new();
    for patch in patches {
        let index = match changes.iter().position(|c| c.doc == patch.doc) {
            Some(i) => i,
            None => {
                let doc = &cfg.docs[patch.doc];
                changes.push(FileChange {
                    doc: patch.doc,
                    path: doc.path.clone(),
                    old: doc.text.clone(),
                    new: doc.text.clone(),
                });
                changes.len() - 1
            }
        };
        let change = &mut changes[index];
        // The first patch of a file edits the document already read; later ones re-read it.
        let reread;
        let current = if change.new == change.old {
            &cfg.docs[patch.doc]
        } else {
            reread = crate::config::Document::parse(&change.path, change.new.clone())?;
            &reread
        };
        change.new = current.with_value(&patch.keys, &patch.to).ok_or_else(|| {
            Error::input(
                &change.path,
                format!(
                    "cannot set {} automatically: a key on its path is not an object, or the value is a table",
                    patch.path
                ),
            )
        })?;
    }
    changes.retain(|c| c.old != c.new);
    Ok(changes)
}

/// Every file's patches made at once when they only replace values at distinct places (the
/// common case: no file is parsed again); `None` when any file needs them one at a time.
fn at_once(cfg: &ConfigSet, patches: &[Patch]) -> Option<Vec<FileChange>> {
    // In the order the patches name them, as one at a time would.
    let mut docs: Vec<DocId> = Vec::new();
    for p in patches {
        if !docs.contains(&p.doc) {
            docs.push(p.doc);
        }
    }
    let mut changes = Vec::new();
    for doc_id in docs {
        let doc = &cfg.docs[doc_id];
        let edits: Vec<(&[String], &EditValue)> = patches
            .iter()
            .filter(|p| p.doc == doc_id)
            .map(|p| (p.keys.as_slice(), &p.to))
            .collect();
        let new = doc.with_values(&edits)?;
        if new != doc.text {
            changes.push(FileChange {
                doc: doc_id,
                path: doc.path.clone(),
                old: doc.text.clone(),
                new,
            });
        }
    }
    Some(changes)
}
