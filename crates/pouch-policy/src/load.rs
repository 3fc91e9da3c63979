//! SPIF loading: the element tree of [`crate::dom`] into a [`Policy`] (spec/05-policy.md §2).

use pouch_label::DateTime;

use crate::Limits;
use crate::dom::{self, Node};
use crate::error::{Error, ErrorKind};
use crate::model::*;

/// The Open XML SPIF namespace.
pub const SPIF_NAMESPACE: &str = "http://www.xmlspif.org/spif";
/// The namespace of NATO's SPIF extensions (`nspif:memberships`).
pub const NSPIF_NAMESPACE: &str = "urn:nato:stanag:4774:spif:extensions:1:0";

struct Loader {
    /// The namespace SPIF elements of this document are in: the SPIF namespace, or none
    /// (the older Surevine files).
    ns: String,
    warnings: Vec<String>,
}

fn err(kind: ErrorKind, node: &Node) -> Error {
    Error::new(kind, &node.local, node.line)
}

fn missing(what: &'static str, node: &Node) -> Error {
    err(ErrorKind::Missing(what), node)
}

fn invalid(what: &'static str, value: &str, node: &Node) -> Error {
    err(
        ErrorKind::Invalid {
            what,
            value: value.to_owned(),
        },
        node,
    )
}

impl Loader {
    /// The SPIF-namespace children of `node` (other namespaces refused, unqualified ones in a
    /// namespaced SPIF accepted with a warning: ACME's erratum, spec POUCH-POL-004).
    fn children<'n>(&mut self, node: &'n Node) -> Result<Vec<&'n Node>, Error> {
        let mut out = Vec::new();
        for child in &node.children {
            if child.ns == self.ns {
                out.push(child);
            } else if child.ns.is_empty() {
                self.warnings.push(format!(
                    "line {}: element {} is in no namespace; read as the SPIF element",
                    child.line, child.local
                ));
                out.push(child);
            } else {
                return Err(err(
                    ErrorKind::Namespace {
                        element: child.local.clone(),
                        found: child.ns.clone(),
                    },
                    child,
                ));
            }
        }
        Ok(out)
    }

    /// Calls `f` on each child of `node` named `name`, in document order, and warns about
    /// every other child as not read.
    fn each_named(
        &mut self,
        node: &Node,
        name: &str,
        mut f: impl FnMut(&mut Self, &Node) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for child in self.children(node)? {
            if child.local == name {
                f(self, child)?;
            } else {
                self.unknown_child(child, node);
            }
        }
        Ok(())
    }

    /// The `requiredCategory` groups among the children of `node`.
    fn required_groups(&mut self, node: &Node) -> Result<Vec<RequiredGroup>, Error> {
        let mut groups = Vec::new();
        self.each_named(node, "requiredCategory", |l, r| {
            groups.push(l.required_group(r)?);
            Ok(())
        })?;
        Ok(groups)
    }

    fn unknown_child(&mut self, child: &Node, parent: &Node) {
        self.warnings.push(format!(
            "line {}: element {} in {} is not read by Pouch",
            child.line, child.local, parent.local
        ));
    }
}

fn lacv(value: &str, node: &Node) -> Result<u64, Error> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("lacv", value, node));
    }
    v.parse().map_err(|_| invalid("lacv", value, node))
}

fn number(value: &str, what: &'static str, node: &Node) -> Result<u64, Error> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(what, value, node));
    }
    v.parse().map_err(|_| invalid(what, value, node))
}

fn boolean(node: &Node, name: &'static str) -> Result<bool, Error> {
    match node.attr(name).map(str::trim) {
        None => Ok(false),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(v) => Err(invalid(name, v, node)),
    }
}

fn required<'n>(node: &'n Node, name: &'static str) -> Result<&'n str, Error> {
    node.attr(name).ok_or_else(|| missing(name, node))
}

fn selection(node: &Node, name: &'static str) -> Result<Option<u64>, Error> {
    match node.attr(name).map(str::trim) {
        None | Some("unbounded") => Ok(None),
        Some(v) => number(v, name, node).map(Some),
    }
}

fn validity(node: &Node) -> Result<Validity, Error> {
    let time = |name: &'static str| -> Result<Option<DateTime>, Error> {
        node.attr(name)
            .map(|v| DateTime::parse_xsd(v.trim()).map_err(|_| invalid(name, v, node)))
            .transpose()
    };
    Ok(Validity {
        not_before: time("notBefore")?,
        not_after: time("notAfter")?,
    })
}

/// `tagType` with `enumType`.
fn tag_type(node: &Node) -> Result<TagType, Error> {
    let t = required(node, "tagType")?;
    match t.trim() {
        "restrictive" => Ok(TagType::Restrictive),
        "permissive" => Ok(TagType::Permissive),
        "tagType7" => Ok(TagType::Informative),
        "enumerated" => match node.attr("enumType").map(str::trim) {
            Some("permissive") => Ok(TagType::EnumeratedPermissive),
            Some("restrictive") => Ok(TagType::EnumeratedRestrictive),
            Some(v) => Err(invalid("enumType", v, node)),
            None => Err(missing("enumType", node)),
        },
        other => Err(invalid("tagType", other, node)),
    }
}

fn applied(node: &Node) -> Result<Applied, Error> {
    match required(node, "applied")?.trim() {
        "encrypt" => Ok(Applied::Encrypt),
        "decrypt" => Ok(Applied::Decrypt),
        "both" => Ok(Applied::Both),
        v => Err(invalid("applied", v, node)),
    }
}

impl Loader {
    fn marking(&mut self, node: &Node, into: &mut Marking) -> Result<(), Error> {
        match node.local.as_str() {
            "markingData" => {
                let mut codes = MarkingCodes::default();
                self.each_named(node, "code", |_, code| {
                    match code.text.trim() {
                        "pageTop" => codes.page_top = true,
                        "pageBottom" => codes.page_bottom = true,
                        "pageTopBottom" => {
                            codes.page_top = true;
                            codes.page_bottom = true;
                        }
                        "documentStart" | "documentEnd" | "firstLineOfText" | "lastLineOfText"
                        | "subject" | "xHeader" | "portionMarking" | "inputTitle" | "waterMark" => {
                            codes.other_location = true
                        }
                        "noNameDisplay" => codes.no_name_display = true,
                        "noMarkingDisplay" => codes.no_marking_display = true,
                        "suppressClassName" => codes.suppress_class_name = true,
                        "replacePolicy" => codes.replace_policy = true,
                        v => return Err(invalid("marking code", v, code)),
                    }
                    Ok(())
                })?;
                into.data.push(MarkingData {
                    lang: node.lang().map(str::to_owned),
                    phrase: node.attr("phrase").map(str::to_owned),
                    codes,
                });
            }
            _ => {
                // markingQualifier
                self.each_named(node, "qualifier", |_, q| {
                    let code = match required(q, "qualifierCode")?.trim() {
                        "prefix" => QualifierCode::Prefix,
                        "suffix" => QualifierCode::Suffix,
                        "separator" => QualifierCode::Separator,
                        v => return Err(invalid("qualifierCode", v, q)),
                    };
                    into.qualifiers.push(Qualifier {
                        lang: q.lang().map(str::to_owned),
                        code,
                        text: required(q, "markingQualifier")?.to_owned(),
                    });
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    fn category_ref(&mut self, node: &Node) -> Result<CategoryRef, Error> {
        let tag_type = tag_type(node)?;
        let lacv = match node.attr("lacv") {
            Some(v) => Some(lacv(v, node)?),
            None => None,
        };
        Ok(CategoryRef {
            tag_set: required(node, "tagSetRef")?.to_owned(),
            tag_type,
            lacv,
        })
    }

    fn required_group(&mut self, node: &Node) -> Result<RequiredGroup, Error> {
        let operation = match required(node, "operation")?.trim() {
            "onlyOne" => Operation::OnlyOne,
            "oneOrMore" => Operation::OneOrMore,
            "all" => Operation::All,
            v => return Err(invalid("operation", v, node)),
        };
        let mut groups = Vec::new();
        self.each_named(node, "categoryGroup", |l, child| {
            groups.push(l.category_ref(child)?);
            Ok(())
        })?;
        if groups.is_empty() {
            return Err(missing("categoryGroup", node));
        }
        Ok(RequiredGroup { operation, groups })
    }

    fn classification(&mut self, node: &Node) -> Result<Classification, Error> {
        let mut c = Classification {
            name: required(node, "name")?.to_owned(),
            lacv: lacv(required(node, "lacv")?, node)?,
            hierarchy: number(required(node, "hierarchy")?, "hierarchy", node)?,
            obsolete: boolean(node, "obsolete")?,
            color: node.attr("color").map(str::to_owned),
            validity: validity(node)?,
            marking: Marking::default(),
            required: Vec::new(),
            equivalents: Vec::new(),
        };
        for child in self.children(node)? {
            match child.local.as_str() {
                "markingData" | "markingQualifier" => self.marking(child, &mut c.marking)?,
                "requiredCategory" => c.required.push(self.required_group(child)?),
                "equivalentClassification" => {
                    let groups = self.required_groups(child)?;
                    c.equivalents.push(EquivalentClassification {
                        policy: required_attr(child, "policyRef")?,
                        lacv: lacv(required(child, "lacv")?, child)?,
                        applied: applied(child)?,
                        required: groups,
                    });
                }
                _ => self.unknown_child(child, node),
            }
        }
        Ok(c)
    }

    fn tag_category(
        &mut self,
        node: &Node,
        classes: &[Classification],
    ) -> Result<TagCategory, Error> {
        let mut c = TagCategory {
            name: required(node, "name")?.to_owned(),
            lacv: lacv(required(node, "lacv")?, node)?,
            obsolete: boolean(node, "obsolete")?,
            validity: validity(node)?,
            marking: Marking::default(),
            excluded_classes: Vec::new(),
            excluded: Vec::new(),
            required: Vec::new(),
            equivalents: Vec::new(),
        };
        for child in self.children(node)? {
            match child.local.as_str() {
                "markingData" | "markingQualifier" => self.marking(child, &mut c.marking)?,
                "excludedClass" => {
                    let name = child.text.trim();
                    let Some(i) = classes.iter().position(|k| k.name == name) else {
                        return Err(err(
                            ErrorKind::Unknown {
                                what: "classification in excludedClass",
                                value: name.to_owned(),
                            },
                            child,
                        ));
                    };
                    if c.excluded_classes.contains(&i) {
                        return Err(err(
                            ErrorKind::Duplicate {
                                what: "excluded classification in category",
                                value: name.to_owned(),
                            },
                            child,
                        ));
                    }
                    c.excluded_classes.push(i);
                }
                "excludedCategory" => c.excluded.push(self.category_ref(child)?),
                "requiredCategory" => c.required.push(self.required_group(child)?),
                "equivalentSecCategoryTag" => {
                    let discard = match child.attr("action").map(str::trim) {
                        None => false,
                        Some("discard") => true,
                        Some(v) => return Err(invalid("action", v, child)),
                    };
                    let l = match child.attr("lacv") {
                        Some(v) if !(discard && v.trim().is_empty()) => Some(lacv(v, child)?),
                        Some(_) => None,
                        None if discard => None,
                        None => return Err(missing("lacv", child)),
                    };
                    c.equivalents.push(EquivalentCategory {
                        policy: required_attr(child, "policyRef")?,
                        tag_set_id: required_attr(child, "tagSetId")?,
                        tag_type: tag_type(child)?,
                        lacv: l,
                        applied: applied(child)?,
                        discard,
                    });
                }
                _ => self.unknown_child(child, node),
            }
        }
        Ok(c)
    }

    fn tag(&mut self, node: &Node, classes: &[Classification]) -> Result<Tag, Error> {
        let tag_type = tag_type(node)?;
        let mut t = Tag {
            name: node.attr("name").unwrap_or_default().to_owned(),
            tag_type,
            single_selection: boolean(node, "singleSelection")?,
            min_selection: selection(node, "minSelection")?,
            max_selection: selection(node, "maxSelection")?,
            tag7_encoding: match node.attr("tag7Encoding").map(str::trim) {
                None => None,
                Some("bitSetAttributes") => Some(pouch_ess::Tag7Encoding::BitSetAttributes),
                Some("securityAttributes") => Some(pouch_ess::Tag7Encoding::SecurityAttributes),
                Some(v) => return Err(invalid("tag7Encoding", v, node)),
            },
            marking: Marking::default(),
            categories: Vec::new(),
        };
        for child in self.children(node)? {
            match child.local.as_str() {
                "markingData" | "markingQualifier" => self.marking(child, &mut t.marking)?,
                "tagCategory" => {
                    let c = self.tag_category(child, classes)?;
                    // NATO SPIF v88 repeats NATO (lacv 1001, also OCCAR's) in Releasable To:
                    // a repeated lacv or name in one tag is a warning, the first one wins
                    // (POUCH-POL-007).
                    if let Some(o) = t
                        .categories
                        .iter()
                        .find(|o| o.lacv == c.lacv || o.name == c.name)
                    {
                        self.warnings.push(format!(
                            "line {}: tag {:?} repeats {} (lacv {}) of {} (lacv {}); the first is used",
                            child.line, t.name, c.name, c.lacv, o.name, o.lacv
                        ));
                    }
                    t.categories.push(c);
                }
                _ => self.unknown_child(child, node),
            }
        }
        Ok(t)
    }
}

fn required_attr(node: &Node, name: &'static str) -> Result<String, Error> {
    let v = required(node, name)?;
    if v.trim().is_empty() {
        return Err(invalid(name, v, node));
    }
    Ok(v.trim().to_owned())
}

/// Loads a SPIF document (spec/05-policy.md §2).
pub(crate) fn load(text: &[u8], limits: &Limits) -> Result<Policy, Error> {
    let root = dom::parse(text, limits)?;
    if root.local != "SPIF" {
        return Err(err(ErrorKind::WrongRoot(root.local.clone(), "SPIF"), &root));
    }
    let mut loader = Loader {
        ns: root.ns.clone(),
        warnings: Vec::new(),
    };
    if root.ns.is_empty() {
        loader
            .warnings
            .push("the SPIF is in no namespace; read as Open XML SPIF".to_owned());
    } else if root.ns != SPIF_NAMESPACE {
        return Err(err(
            ErrorKind::Namespace {
                element: root.local.clone(),
                found: root.ns.clone(),
            },
            &root,
        ));
    }
    let mut policy = Policy {
        name: String::new(),
        id: String::new(),
        version: root.attr("version").unwrap_or("1").trim().to_owned(),
        schema_version: root.attr("schemaVersion").map(str::to_owned),
        creation_date: root.attr("creationDate").map(str::to_owned),
        validity: validity(&root)?,
        classifications: Vec::new(),
        tag_sets: Vec::new(),
        equivalent_policies: Vec::new(),
        marking: Marking::default(),
        memberships: Vec::new(),
        warnings: Vec::new(),
    };
    let mut seen_id = false;
    let children = loader.children(&root)?;
    // Classifications first: tag categories refer to them by name.
    for child in &children {
        if child.local == "securityClassifications" {
            loader.each_named(child, "securityClassification", |loader, c| {
                let k = loader.classification(c)?;
                if policy.classifications.iter().any(|o| o.lacv == k.lacv) {
                    return Err(err(
                        ErrorKind::Duplicate {
                            what: "classification lacv",
                            value: k.lacv.to_string(),
                        },
                        c,
                    ));
                }
                if policy.classifications.iter().any(|o| o.name == k.name) {
                    return Err(err(
                        ErrorKind::Duplicate {
                            what: "classification name",
                            value: k.name,
                        },
                        c,
                    ));
                }
                policy.classifications.push(k);
                Ok(())
            })?;
        }
    }
    for child in children {
        match child.local.as_str() {
            "securityPolicyId" => {
                policy.name = required_attr(child, "name")?;
                policy.id = required_attr(child, "id")?;
                seen_id = true;
            }
            "securityClassifications" => {}
            "securityCategoryTagSets" => {
                loader.each_named(child, "securityCategoryTagSet", |loader, ts| {
                    let mut set = TagSet {
                        name: required_attr(ts, "name")?,
                        id: required_attr(ts, "id")?,
                        tags: Vec::new(),
                    };
                    if policy.tag_sets.iter().any(|o| o.id == set.id) {
                        return Err(err(
                            ErrorKind::Duplicate {
                                what: "tag set id",
                                value: set.id,
                            },
                            ts,
                        ));
                    }
                    if policy.tag_sets.iter().any(|o| o.name == set.name) {
                        return Err(err(
                            ErrorKind::Duplicate {
                                what: "tag set name",
                                value: set.name,
                            },
                            ts,
                        ));
                    }
                    loader.each_named(ts, "securityCategoryTag", |loader, t| {
                        set.tags.push(loader.tag(t, &policy.classifications)?);
                        Ok(())
                    })?;
                    policy.tag_sets.push(set);
                    Ok(())
                })?;
            }
            "equivalentPolicies" => {
                loader.each_named(child, "equivalentPolicy", |loader, e| {
                    let required = loader.required_groups(e)?;
                    policy.equivalent_policies.push(EquivalentPolicy {
                        name: required_attr(e, "name")?,
                        id: required_attr(e, "id")?,
                        required,
                    });
                    Ok(())
                })?;
            }
            "markingData" | "markingQualifier" => {
                let mut m = std::mem::take(&mut policy.marking);
                loader.marking(child, &mut m)?;
                policy.marking = m;
            }
            "extensions" => memberships(child, &mut policy)?,
            _ => loader.unknown_child(child, &root),
        }
    }
    if !seen_id {
        return Err(missing("securityPolicyId", &root));
    }
    if policy.classifications.is_empty() {
        return Err(missing("securityClassification", &root));
    }
    check_refs(&policy, &root)?;
    policy.warnings = loader.warnings;
    Ok(policy)
}

/// `nspif:memberships` inside `extensions`; other extensions are skipped.
fn memberships(ext: &Node, policy: &mut Policy) -> Result<(), Error> {
    for m in ext.children.iter().filter(|c| c.ns == NSPIF_NAMESPACE) {
        if m.local != "memberships" {
            continue;
        }
        for g in &m.children {
            if g.ns != NSPIF_NAMESPACE || g.local != "membership" {
                return Err(err(
                    ErrorKind::Namespace {
                        element: g.local.clone(),
                        found: g.ns.clone(),
                    },
                    g,
                ));
            }
            let name = g
                .attr_ns(NSPIF_NAMESPACE, "name")
                .ok_or_else(|| missing("nspif:name", g))?;
            let mut members = Vec::new();
            for member in &g.children {
                let code = member
                    .attr_ns(NSPIF_NAMESPACE, "name")
                    .ok_or_else(|| missing("nspif:name", member))?;
                members.push(code.trim().to_owned());
            }
            policy.memberships.push(Membership {
                name: name.trim().to_owned(),
                members,
            });
        }
    }
    Ok(())
}

/// Every `tagSetRef` of this policy's own rules names one of its tag sets, with a tag of
/// that type.
fn check_refs(policy: &Policy, root: &Node) -> Result<(), Error> {
    let known = |r: &CategoryRef| {
        policy
            .tag_sets
            .iter()
            .any(|s| s.name == r.tag_set && s.tags.iter().any(|t| t.tag_type == r.tag_type))
    };
    let groups = policy
        .classifications
        .iter()
        .flat_map(|c| c.required.iter().flat_map(|g| g.groups.iter()));
    let cats = policy
        .tag_sets
        .iter()
        .flat_map(|s| s.tags.iter())
        .flat_map(|t| t.categories.iter())
        .flat_map(|c| {
            c.excluded
                .iter()
                .chain(c.required.iter().flat_map(|g| g.groups.iter()))
        });
    for r in groups.chain(cats) {
        if !known(r) {
            return Err(err(
                ErrorKind::Unknown {
                    what: "tag set and type in a category reference",
                    value: format!("{} ({})", r.tag_set, r.tag_type.as_str()),
                },
                root,
            ));
        }
    }
    Ok(())
}
