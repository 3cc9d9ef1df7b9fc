//! Where a check's finding points and what it proposes, over the config's typed view.

use super::{Location, Proposal};
use crate::config::view::GatewayView;
use crate::config::{EditValue, Located};

impl GatewayView<'_> {
    pub fn location(&self, at: &Located) -> Location {
        let (line, column) = self.cfg.position(at);
        Location {
            file: self.cfg.docs[at.doc].path.clone(),
            line,
            column,
        }
    }

    /// The location of the value itself (not its key): where an edit lands.
    pub fn value_location(&self, at: &Located) -> Location {
        let doc = &self.cfg.docs[at.doc];
        let (line, column) = doc.position(at.node.span.start);
        Location {
            file: doc.path.clone(),
            line,
            column,
        }
    }

    /// A proposal to set `path`, in the file that defines it (or its deepest parent).
    pub fn proposal(&self, path: &str, to: EditValue) -> Option<Proposal> {
        let keys: Vec<&str> = path.split('.').collect();
        let current = self.cfg.get(&keys).map(|at| &at.node.value);
        let (doc, keys) = self.cfg.edit_location(&keys)?;
        Some(Proposal {
            doc,
            keys,
            file: self.cfg.docs[doc].path.clone(),
            path: path.to_string(),
            from: current.map(|v| v.display()),
            from_value: current.map(|v| v.to_json()),
            to,
        })
    }
}
