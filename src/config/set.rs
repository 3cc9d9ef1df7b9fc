//! The config as OpenClaw sees it: the main file plus its `$include`d files, deep-merged
//! (later includes win, sibling keys win over included content). Nothing is flattened: a
//! lookup says which file and which node defines a key, and that file is the one to patch.

use super::document::Document;
use super::tree::{Node, NodeValue, Span};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

pub const INCLUDE_KEY: &str = "$include";
/// OpenClaw's limits for included files (facts §2).
pub const MAX_INCLUDE_DEPTH: usize = 10;
pub const MAX_INCLUDE_BYTES: u64 = 2 * 1024 * 1024;
/// The doctor's own bound on how many files one config may pull in.
pub const MAX_INCLUDED_FILES: usize = 256;

pub type DocId = usize;

/// The include-map key of a document's root object.
const ROOT_KEY: usize = usize::MAX;

#[derive(Debug, Clone)]
pub struct ConfigSet {
    /// `docs[0]` is the main file.
    pub docs: Vec<Document>,
    /// For each object holding `$include` (document, object span start): the included docs.
    includes: HashMap<(DocId, usize), Vec<DocId>>,
    /// The merged documents, built once: every check family reads them (`merged.rs`).
    pub(super) merged_cache: super::merged::Cache,
}

/// A node found in one of the files, with the key path to it inside that file.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub doc: DocId,
    pub node: &'a Node,
    pub key_span: Option<&'a Span>,
}

#[derive(Debug)]
pub enum Lookup<'a> {
    Found(Located<'a>, Vec<String>),
    /// `object` (reached by `object_keys` inside its file) is the deepest object on the path;
    /// `missing` are the keys below it that do not exist.
    Missing {
        object: Located<'a>,
        object_keys: Vec<String>,
        missing: Vec<String>,
    },
    /// The value at `keys[..depth]` is not an object, so the path cannot exist.
    NotAnObject {
        at: Located<'a>,
        depth: usize,
    },
}

#[derive(Clone, Copy)]
struct Layer<'a> {
    doc: DocId,
    node: &'a Node,
    key_span: Option<&'a Span>,
}

impl ConfigSet {
    pub fn load(main: &Path, max_bytes: u64) -> Result<ConfigSet> {
        let doc = Document::load(main, max_bytes)?;
        ConfigSet::from_main(doc)
    }

    pub fn from_main(doc: Document) -> Result<ConfigSet> {
        let root_dir = doc.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut set = ConfigSet {
            docs: vec![doc],
            includes: HashMap::new(),
            merged_cache: Default::default(),
        };
        let mut stack = vec![normalize(&set.docs[0].path)];
        set.resolve_includes(0, &root_dir, &mut stack)?;
        Ok(set)
    }

    pub fn main(&self) -> &Document {
        &self.docs[0]
    }

    /// The documents an object's `$include` brought in, in order (none without one).
    pub fn included(&self, doc: DocId, node: &Node) -> Vec<DocId> {
        let key = if std::ptr::eq(node, &self.docs[doc].root) {
            ROOT_KEY
        } else {
            node.span.start
        };
        self.includes.get(&(doc, key)).cloned().unwrap_or_default()
    }

    fn resolve_includes(
        &mut self,
        doc: DocId,
        root_dir: &Path,
        stack: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let mut sites = Vec::new();
        collect_include_sites(&self.docs[doc].root, &mut sites);
        // The root is keyed apart: a TOML table's span can start where the root's does.
        if let Some(first) = sites.first_mut()
            && self.docs[doc].root.get(INCLUDE_KEY).is_some()
            && first.0 == self.docs[doc].root.span.start
        {
            first.0 = ROOT_KEY;
        }
        for (object_start, value) in sites {
            let mut ids = Vec::new();
            let siblings = self.has_siblings(doc, object_start);
            for (raw, node) in self.include_paths(doc, &value)? {
                let resolved = self.include_target(doc, &raw, node, root_dir, stack)?;
                let included = Document::load(&resolved, MAX_INCLUDE_BYTES)?;
                if siblings && included.root.value.as_object().is_none() {
                    return Err(self.error_at(
                        doc,
                        node,
                        format!(
                            "$include \"{raw}\" holds {}, but the object has other keys: OpenClaw refuses it (\"Sibling keys require included content to be an object\")",
                            included.root.value.type_name()
                        ),
                    ));
                }
                self.docs.push(included);
                let id = self.docs.len() - 1;
                ids.push(id);
                stack.push(resolved);
                self.resolve_includes(id, root_dir, stack)?;
                stack.pop();
            }
            self.includes.insert((doc, object_start), ids);
        }
        Ok(())
    }

    /// Whether the object holding an `$include` (at `object_start`, or the root) has other keys.
    fn has_siblings(&self, doc: DocId, object_start: usize) -> bool {
        let root = &self.docs[doc].root;
        let object = if object_start == ROOT_KEY {
            Some(root)
        } else {
            find_object(root, object_start)
        };
        object
            .and_then(|o| o.value.as_object())
            .is_some_and(|entries| entries.iter().any(|e| e.key != INCLUDE_KEY))
    }

    /// The paths an `$include` value names (a string or a list of strings), with the offset of
    /// each for errors.
    fn include_paths(&self, doc: DocId, value: &Node) -> Result<Vec<(String, usize)>> {
        match &value.value {
            NodeValue::String { value: s, .. } => Ok(vec![(s.clone(), value.span.start)]),
            NodeValue::Array(items) => items
                .iter()
                .map(|item| match item.value.as_str() {
                    Some(s) => Ok((s.to_string(), item.span.start)),
                    None => Err(self.error_at(
                        doc,
                        item.span.start,
                        format!(
                            "invalid $include entry: expected a path string, found {}",
                            item.value.type_name()
                        ),
                    )),
                })
                .collect(),
            other => Err(self.error_at(
                doc,
                value.span.start,
                format!(
                    "invalid $include: expected a path or a list of paths, found {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// Where an include of `raw` in `doc` points, refused as OpenClaw refuses it: outside the
    /// config's directory, a cycle, too deep, too many files, missing.
    fn include_target(
        &self,
        doc: DocId,
        raw: &str,
        at: usize,
        root_dir: &Path,
        stack: &[PathBuf],
    ) -> Result<PathBuf> {
        let including = &self.docs[doc].path;
        let base = including.parent().unwrap_or(Path::new("."));
        let resolved = normalize(&base.join(raw));
        let refuse = |message: String| Err(self.error_at(doc, at, message));
        if !resolved.starts_with(normalize(root_dir)) {
            return refuse(format!(
                "$include \"{raw}\" is outside the config directory {}; OpenClaw refuses it",
                root_dir.display()
            ));
        }
        if stack.contains(&resolved) {
            return refuse(format!(
                "$include cycle: {} includes {} again",
                including.display(),
                resolved.display()
            ));
        }
        if stack.len() > MAX_INCLUDE_DEPTH {
            return refuse(format!(
                "$include nesting is deeper than OpenClaw's limit of {MAX_INCLUDE_DEPTH}"
            ));
        }
        if self.docs.len() >= MAX_INCLUDED_FILES {
            return refuse(format!("more than {MAX_INCLUDED_FILES} included files"));
        }
        if !resolved.exists() {
            return refuse(format!(
                "$include \"{raw}\": no such file {}",
                resolved.display()
            ));
        }
        Ok(resolved)
    }

    fn error_at(&self, doc: DocId, offset: usize, message: String) -> Error {
        let d = &self.docs[doc];
        let (line, column) = d.position(offset);
        Error::input_at(&d.path, line, column, message)
    }

    /// The layers an object is made of, lowest precedence first: its included files' roots,
    /// then the object itself.
    fn expand<'a>(
        &'a self,
        layer: Layer<'a>,
        out: &mut Vec<(Layer<'a>, Vec<String>)>,
        keys: &[String],
    ) {
        let key = if std::ptr::eq(layer.node, &self.docs[layer.doc].root) {
            ROOT_KEY
        } else {
            layer.node.span.start
        };
        if let Some(included) = self.includes.get(&(layer.doc, key)) {
            for &id in included {
                let root = &self.docs[id].root;
                if root.value.as_object().is_some() {
                    self.expand(
                        Layer {
                            doc: id,
                            node: root,
                            key_span: None,
                        },
                        out,
                        &[],
                    );
                }
            }
        }
        out.push((layer, keys.to_vec()));
    }

    /// Finds the value OpenClaw would use for `path` (e.g. `["gateway", "bind"]`).
    pub fn lookup(&self, path: &[&str]) -> Lookup<'_> {
        let root = &self.docs[0].root;
        let root_layer = Layer {
            doc: 0,
            node: root,
            key_span: None,
        };
        if root.value.as_object().is_none() {
            return Lookup::NotAnObject {
                at: located(root_layer),
                depth: 0,
            };
        }
        let mut layers = Vec::new();
        self.expand(root_layer, &mut layers, &[]);
        for (depth, key) in path.iter().enumerate() {
            // Highest precedence first.
            let found: Vec<(Layer, Vec<String>)> = layers
                .iter()
                .rev()
                .filter_map(|(layer, keys)| {
                    layer.node.get(key).map(|entry| {
                        let mut keys = keys.clone();
                        keys.push(key.to_string());
                        (
                            Layer {
                                doc: layer.doc,
                                node: &entry.value,
                                key_span: Some(&entry.key_span),
                            },
                            keys,
                        )
                    })
                })
                .collect();
            let Some((top, top_keys)) = found.first().cloned() else {
                let (parent, parent_keys) = layers.last().cloned().unwrap_or((root_layer, vec![]));
                return Lookup::Missing {
                    object: located(parent),
                    object_keys: parent_keys,
                    missing: path[depth..].iter().map(|s| s.to_string()).collect(),
                };
            };
            if depth + 1 == path.len() {
                return Lookup::Found(located(top), top_keys);
            }
            if top.node.value.as_object().is_none() {
                return Lookup::NotAnObject {
                    at: located(top),
                    depth: depth + 1,
                };
            }
            // Deep merge: objects below the top one merge until a non-object replaces them.
            let merged: Vec<(Layer, Vec<String>)> = found
                .into_iter()
                .take_while(|(l, _)| l.node.value.as_object().is_some())
                .collect();
            layers.clear();
            for (layer, keys) in merged.into_iter().rev() {
                self.expand(layer, &mut layers, &keys);
            }
        }
        Lookup::Missing {
            object: located(root_layer),
            object_keys: vec![],
            missing: vec![],
        }
    }

    /// The value at `path` if it exists.
    pub fn get(&self, path: &[&str]) -> Option<Located<'_>> {
        match self.lookup(path) {
            Lookup::Found(found, _) => Some(found),
            _ => None,
        }
    }

    /// Which file a new value for `path` goes into, and the key path inside that file:
    /// the file that defines the key, else the one that defines its deepest existing parent.
    pub fn edit_location(&self, path: &[&str]) -> Option<(DocId, Vec<String>)> {
        match self.lookup(path) {
            Lookup::Found(found, keys) => Some((found.doc, keys)),
            Lookup::Missing {
                object,
                object_keys,
                missing,
            } if !missing.is_empty() => {
                Some((object.doc, object_keys.into_iter().chain(missing).collect()))
            }
            _ => None,
        }
    }

    /// 1-based position of a located node (its key when it has one).
    pub fn position(&self, at: &Located) -> (usize, usize) {
        let offset = at.key_span.map(|s| s.start).unwrap_or(at.node.span.start);
        self.docs[at.doc].position(offset)
    }
}

fn located(layer: Layer<'_>) -> Located<'_> {
    Located {
        doc: layer.doc,
        node: layer.node,
        key_span: layer.key_span,
    }
}

/// The object node that starts at `start`.
fn find_object(node: &Node, start: usize) -> Option<&Node> {
    if node.span.start == start && node.value.as_object().is_some() {
        return Some(node);
    }
    match &node.value {
        NodeValue::Object(entries) => entries.iter().find_map(|e| find_object(&e.value, start)),
        NodeValue::Array(items) => items.iter().find_map(|i| find_object(i, start)),
        _ => None,
    }
}

/// Every object holding `$include`, as (object span start, the `$include` value).
fn collect_include_sites(node: &Node, out: &mut Vec<(usize, Node)>) {
    match &node.value {
        NodeValue::Object(entries) => {
            if let Some(entry) = node.get(INCLUDE_KEY) {
                out.push((node.span.start, entry.value.clone()));
            }
            for entry in entries {
                if entry.key != INCLUDE_KEY {
                    collect_include_sites(&entry.value, out);
                }
            }
        }
        NodeValue::Array(items) => items.iter().for_each(|i| collect_include_sites(i, out)),
        _ => {}
    }
}

/// Lexical normalisation (`a/./b/../c` → `a/c`), as Node's `path.normalize` does.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
