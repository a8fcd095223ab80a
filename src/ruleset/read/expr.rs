//! ARM template expressions (`[format('Storage.{0}', parameters('location'))]`): a small parser
//! and an evaluator for the few functions that name things in network rules.
//!
//! Only string and integer literals, `parameters`, `variables`, `format`, `concat`, `toLower`,
//! `toUpper`, `resourceGroup().location` and `resourceId` are evaluated. Anything else (another
//! function, a property access, a parameter without a value) makes the whole expression
//! [`Unresolved`], with the reason: the readers never guess what a template would deploy.

use serde_json::Value;

/// What an expression evaluated to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<Val>),
}

/// An expression that could not be evaluated, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub expression: String,
    pub reason: String,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not evaluated: {}", self.expression, self.reason)
    }
}

/// A template parameter's value as the scope knows it.
#[derive(Clone, Debug)]
pub enum Param {
    /// Given from outside (`--param`, or a nested deployment's `parameters.<name>.value`).
    Given(Val),
    /// The template's `defaultValue`, evaluated where it is used.
    Default(Value),
    /// Given from outside, but that value could not be evaluated.
    Failed(String),
    /// Declared without a default and not given.
    Missing,
}

/// The parameters and variables expressions are evaluated against.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// False for formats without expressions (az output, Terraform): every string is literal.
    pub expressions: bool,
    params: Vec<(String, Param)>,
    variables: serde_json::Map<String, Value>,
    /// The region being checked (`--region`).
    pub region: Option<String>,
}

/// Longest string an expression may build, so that doubling variables cannot fill the memory.
const MAX_LEN: usize = 1 << 20;
/// Most evaluation steps for one expression, so that variables built from variables stay cheap.
const MAX_STEPS: usize = 20_000;
/// Deepest nesting of calls the parser accepts.
const MAX_DEPTH: usize = 40;
/// Deepest recursion of one evaluation (calls, arrays, variables using variables together).
const MAX_RECURSION: usize = 100;

impl Scope {
    /// A scope where strings are only strings.
    pub fn literal() -> Scope {
        Scope::default()
    }

    /// The scope of a template's `parameters` and `variables`, with `given` values over its
    /// defaults.
    pub fn template(template: &Value, given: Vec<(String, Param)>, region: Option<String>) -> Scope {
        let mut params = given;
        if let Some(declared) = template.get("parameters").and_then(Value::as_object) {
            for (name, decl) in declared {
                if params.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let param = match decl.get("defaultValue") {
                    Some(default) => Param::Default(default.clone()),
                    None => Param::Missing,
                };
                params.push((name.clone(), param));
            }
        }
        let variables = template.get("variables").and_then(Value::as_object).cloned().unwrap_or_default();
        Scope { expressions: true, params, variables, region }
    }

    /// `--param NAME=VALUE`: a JSON array is an array, anything else a string.
    pub fn given_text(value: &str) -> Param {
        match serde_json::from_str::<Value>(value) {
            Ok(Value::Array(items)) => match items.iter().map(plain).collect::<Option<Vec<Val>>>() {
                Some(vals) => Param::Given(Val::Array(vals)),
                None => Param::Given(Val::Str(value.to_string())),
            },
            _ => Param::Given(Val::Str(value.to_string())),
        }
    }
}

/// A JSON value without expressions, as a [`Val`].
fn plain(value: &Value) -> Option<Val> {
    match value {
        Value::String(s) => Some(Val::Str(s.clone())),
        Value::Number(n) => n.as_i64().map(Val::Int),
        Value::Bool(b) => Some(Val::Bool(*b)),
        Value::Array(items) => items.iter().map(plain).collect::<Option<Vec<_>>>().map(Val::Array),
        _ => None,
    }
}

/// Whether a template string is an expression (`[...]`, but not `[[...`, a literal `[`).
pub fn is_expression(text: &str) -> bool {
    text.starts_with('[') && !text.starts_with("[[") && text.ends_with(']') && text.len() >= 2
}

/// Evaluates a template string: an expression, or a literal (with `[[` read as `[`).
#[cfg(test)]
pub fn evaluate(text: &str, scope: &Scope, notes: &mut Vec<String>) -> Result<Val, Unresolved> {
    let mut evaluator = Evaluator { scope, notes, stack: Vec::new(), steps: 0, depth: 0 };
    evaluator.text(text).map_err(|reason| Unresolved { expression: text.to_string(), reason })
}

/// Evaluates a JSON value that may hold expressions (a parameter's value, an array of prefixes).
pub fn evaluate_json(value: &Value, scope: &Scope, notes: &mut Vec<String>) -> Result<Val, Unresolved> {
    let mut evaluator = Evaluator { scope, notes, stack: Vec::new(), steps: 0, depth: 0 };
    evaluator.json(value).map_err(|reason| Unresolved { expression: compact(value), reason })
}

fn compact(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Str(String),
    Int(i64),
    Ident(String),
    Punct(char),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' | ')' | ',' | '.' | '[' | ']' => tokens.push(Token::Punct(c)),
            '\'' => tokens.push(Token::Str(string_literal(&mut chars)?)),
            c if c.is_ascii_digit() || c == '-' => {
                let mut end = start + c.len_utf8();
                while let Some((i, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                    end = i + d.len_utf8();
                    chars.next();
                }
                let number = &text[start..end];
                tokens.push(Token::Int(number.parse().map_err(|_| format!("`{number}` is not an integer"))?));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = start + 1;
                while let Some((i, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_alphanumeric() || *d == '_') {
                    end = i + d.len_utf8();
                    chars.next();
                }
                tokens.push(Token::Ident(text[start..end].to_string()));
            }
            other => return Err(format!("unexpected `{other}`")),
        }
    }
    Ok(tokens)
}

/// The rest of a single-quoted literal, where `''` stands for one quote.
fn string_literal(chars: &mut std::iter::Peekable<std::str::CharIndices>) -> Result<String, String> {
    let mut out = String::new();
    while let Some((_, c)) = chars.next() {
        if c != '\'' {
            out.push(c);
        } else if chars.peek().map(|(_, n)| *n) == Some('\'') {
            chars.next();
            out.push('\'');
        } else {
            return Ok(out);
        }
    }
    Err("a string literal is not closed".into())
}

#[derive(Clone, Debug, PartialEq)]
enum Ast {
    Str(String),
    Int(i64),
    Call(String, Vec<Ast>),
    Member(Box<Ast>, String),
    Index(Box<Ast>, Box<Ast>),
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn parse(text: &str) -> Result<Ast, String> {
        let mut parser = Parser { tokens: tokenize(text)?, at: 0 };
        let ast = parser.expr(0)?;
        match parser.tokens.get(parser.at) {
            None => Ok(ast),
            Some(token) => Err(format!("unexpected {} after the expression", describe(token))),
        }
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek_punct(&self, c: char) -> bool {
        self.tokens.get(self.at) == Some(&Token::Punct(c))
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Some(Token::Punct(p)) if p == c => Ok(()),
            Some(token) => Err(format!("expected `{c}`, found {}", describe(&token))),
            None => Err(format!("expected `{c}`, found the end")),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Ast, String> {
        if depth > MAX_DEPTH {
            return Err("the expression is nested too deeply".into());
        }
        let mut ast = self.primary(depth)?;
        loop {
            if self.peek_punct('.') {
                self.at += 1;
                match self.next() {
                    Some(Token::Ident(name)) => ast = Ast::Member(Box::new(ast), name),
                    _ => return Err("expected a property name after `.`".into()),
                }
            } else if self.peek_punct('[') {
                self.at += 1;
                let index = self.expr(depth + 1)?;
                self.expect(']')?;
                ast = Ast::Index(Box::new(ast), Box::new(index));
            } else {
                return Ok(ast);
            }
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Ast, String> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Ast::Str(s)),
            Some(Token::Int(n)) => Ok(Ast::Int(n)),
            Some(Token::Ident(name)) => {
                self.expect('(')?;
                let mut args = Vec::new();
                if self.peek_punct(')') {
                    self.at += 1;
                    return Ok(Ast::Call(name, args));
                }
                loop {
                    args.push(self.expr(depth + 1)?);
                    match self.next() {
                        Some(Token::Punct(',')) => {}
                        Some(Token::Punct(')')) => return Ok(Ast::Call(name, args)),
                        _ => return Err(format!("expected `,` or `)` in the arguments of `{name}`")),
                    }
                }
            }
            Some(token) => Err(format!("unexpected {}", describe(&token))),
            None => Err("the expression ends too early".into()),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Str(s) => format!("the string '{s}'"),
        Token::Int(n) => format!("the number {n}"),
        Token::Ident(name) => format!("`{name}`"),
        Token::Punct(c) => format!("`{c}`"),
    }
}

/// One evaluation: the scope, where notes go, and guards against cycles and blow-ups.
struct Evaluator<'a> {
    scope: &'a Scope,
    notes: &'a mut Vec<String>,
    /// The parameters and variables being evaluated, innermost last.
    stack: Vec<String>,
    steps: usize,
    /// How deep the evaluation recurses now, across calls, arrays and variables.
    depth: usize,
}

impl Evaluator<'_> {
    fn text(&mut self, text: &str) -> Result<Val, String> {
        if !self.scope.expressions {
            return Ok(Val::Str(text.to_string()));
        }
        if let Some(rest) = text.strip_prefix("[[") {
            return Ok(Val::Str(format!("[{rest}")));
        }
        if !is_expression(text) {
            return Ok(Val::Str(text.to_string()));
        }
        let ast = Parser::parse(&text[1..text.len() - 1])?;
        self.eval(&ast)
    }

    fn json(&mut self, value: &Value) -> Result<Val, String> {
        self.nested(|this| this.json_inner(value))
    }

    fn eval(&mut self, ast: &Ast) -> Result<Val, String> {
        self.nested(|this| this.eval_inner(ast))
    }

    /// Runs one level of evaluation, refusing to go deeper than the stack allows.
    fn nested(&mut self, step: impl FnOnce(&mut Self) -> Result<Val, String>) -> Result<Val, String> {
        if self.depth >= MAX_RECURSION {
            return Err("the expression and what it refers to are nested too deeply".into());
        }
        self.depth += 1;
        let result = step(self);
        self.depth -= 1;
        result
    }

    fn json_inner(&mut self, value: &Value) -> Result<Val, String> {
        match value {
            Value::String(s) => self.text(s),
            Value::Array(items) => items.iter().map(|item| self.json(item)).collect::<Result<_, _>>().map(Val::Array),
            other => plain(other).ok_or_else(|| "objects and null are not evaluated".to_string()),
        }
    }

    fn eval_inner(&mut self, ast: &Ast) -> Result<Val, String> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err("the expression takes too many steps to evaluate".into());
        }
        let val = match ast {
            Ast::Str(s) => Val::Str(s.clone()),
            Ast::Int(n) => Val::Int(*n),
            Ast::Call(name, args) => self.call(name, args)?,
            Ast::Member(target, member) => self.member(target, member)?,
            Ast::Index(..) => return Err("indexing (`[...]` after a value) is not evaluated".into()),
        };
        match &val {
            Val::Str(s) if s.len() > MAX_LEN => Err("the expression builds a string that is too long".into()),
            _ => Ok(val),
        }
    }

    fn member(&mut self, target: &Ast, member: &str) -> Result<Val, String> {
        match target {
            Ast::Call(name, args)
                if name.eq_ignore_ascii_case("resourceGroup") && args.is_empty() && member == "location" =>
            {
                Ok(Val::Str(self.region("`resourceGroup().location`")))
            }
            _ => {
                self.eval(target)?;
                Err(format!("property access (`.{member}`) is not evaluated"))
            }
        }
    }

    /// The region being checked, standing in for a value the file does not give.
    fn region(&mut self, what: &str) -> String {
        match &self.scope.region {
            Some(region) => {
                self.notes.push(format!("{what} was taken to be the region being checked, {region}."));
                region.clone()
            }
            None => {
                self.notes.push(format!("{what} stands for the workspace's region, written `<region>`: give --region"));
                "<region>".into()
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Ast]) -> Result<Val, String> {
        let values = args.iter().map(|arg| self.eval(arg)).collect::<Result<Vec<_>, _>>()?;
        match name.to_ascii_lowercase().as_str() {
            "parameters" => self.parameter(&single_string(name, &values)?),
            "variables" => self.variable(&single_string(name, &values)?),
            "format" => format_call(&values),
            "concat" => concat(&values),
            "tolower" => Ok(Val::Str(single_string(name, &values)?.to_lowercase())),
            "toupper" => Ok(Val::Str(single_string(name, &values)?.to_uppercase())),
            "resourceid" => match values.last() {
                Some(Val::Str(last)) => Ok(Val::Str(last.clone())),
                _ => Err("`resourceId()` needs a resource name as its last argument".into()),
            },
            "resourcegroup" => Err("of `resourceGroup()`, only `.location` is evaluated".into()),
            _ => Err(format!("the function `{name}()` is not evaluated")),
        }
    }

    fn parameter(&mut self, name: &str) -> Result<Val, String> {
        let found = self.scope.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, p)| p);
        match found {
            Some(Param::Given(val)) => Ok(val.clone()),
            Some(Param::Default(default)) => self.guarded(format!("parameters('{name}')"), default),
            Some(Param::Failed(reason)) => Err(format!("parameter '{name}': {reason}")),
            Some(Param::Missing) | None if name.eq_ignore_ascii_case("location") => {
                Ok(Val::Str(self.region("the parameter `location`")))
            }
            Some(Param::Missing) => Err(format!("parameter '{name}' has no value: give it with --param {name}=VALUE")),
            None => Err(format!("parameter '{name}' is not declared")),
        }
    }

    fn variable(&mut self, name: &str) -> Result<Val, String> {
        let found = self.scope.variables.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        match found {
            Some(value) => self.guarded(format!("variables('{name}')"), value),
            None => Err(format!("variable '{name}' is not declared")),
        }
    }

    /// Evaluates a parameter's default or a variable, refusing one that refers to itself.
    fn guarded(&mut self, key: String, value: &Value) -> Result<Val, String> {
        if self.stack.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            return Err(format!("`{key}` refers to itself"));
        }
        if self.stack.len() > MAX_DEPTH {
            return Err("parameters and variables refer to each other too deeply".into());
        }
        self.stack.push(key);
        let result = self.json(value);
        self.stack.pop();
        result
    }
}

fn single_string(function: &str, values: &[Val]) -> Result<String, String> {
    match values {
        [Val::Str(s)] => Ok(s.clone()),
        _ => Err(format!("`{function}()` takes one string here")),
    }
}

fn as_text(val: &Val) -> Result<String, String> {
    match val {
        Val::Str(s) => Ok(s.clone()),
        Val::Int(n) => Ok(n.to_string()),
        Val::Bool(b) => Ok(if *b { "True" } else { "False" }.into()),
        Val::Array(_) => Err("an array cannot be written into a string".into()),
    }
}

fn concat(values: &[Val]) -> Result<Val, String> {
    if !values.is_empty() && values.iter().all(|v| matches!(v, Val::Array(_))) {
        let items = values.iter().flat_map(|v| if let Val::Array(items) = v { items.clone() } else { Vec::new() });
        return Ok(Val::Array(items.collect()));
    }
    let mut out = String::new();
    for value in values {
        out.push_str(&as_text(value)?);
        if out.len() > MAX_LEN {
            return Err("`concat()` builds a string that is too long".into());
        }
    }
    Ok(Val::Str(out))
}

/// `format('{0}-{1}', a, b)`, with `{{` and `}}` for braces; format specifiers are refused.
fn format_call(values: &[Val]) -> Result<Val, String> {
    let Some((Val::Str(pattern), args)) = values.split_first() else {
        return Err("`format()` needs a format string first".into());
    };
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let spec: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let index: usize =
                    spec.trim().parse().map_err(|_| format!("`{{{spec}}}` in `format()` is not evaluated"))?;
                let arg = args.get(index).ok_or_else(|| format!("`format()` has no argument {index}"))?;
                out.push_str(&as_text(arg)?);
            }
            '}' => return Err("`format()` has an unmatched `}`".into()),
            c => out.push(c),
        }
        if out.len() > MAX_LEN {
            return Err("`format()` builds a string that is too long".into());
        }
    }
    Ok(Val::Str(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};
    use serde_json::json;

    fn scope(region: Option<&str>) -> Scope {
        let template = json!({
            "parameters": {
                "location": { "type": "string" },
                "nsgName": { "type": "string", "defaultValue": "nsg-training" },
                "prefixes": { "type": "array", "defaultValue": ["10.0.0.0/24", "[variables('extra')]"] },
                "noDefault": { "type": "string" },
                "loop": { "type": "string", "defaultValue": "[parameters('loop')]" }
            },
            "variables": {
                "extra": "10.1.0.0/24",
                "tag": "[format('Storage.{0}', parameters('location'))]",
                "a": "[variables('b')]",
                "b": "[concat('x', variables('a'))]",
                "double0": "[concat(variables('double1'), variables('double1'))]",
                "double1": "[concat(variables('double2'), variables('double2'))]",
                "double2": "[concat(variables('double3'), variables('double3'))]",
                "double3": "[concat(variables('double4'), variables('double4'))]",
                "double4": "abcdefgh"
            }
        });
        let given = vec![("given".to_string(), Scope::given_text("from-cli"))];
        Scope::template(&template, given, region.map(str::to_string))
    }

    fn check(text: &str, region: Option<&str>, expected: Expect) {
        let mut notes = Vec::new();
        let shown = match evaluate(text, &scope(region), &mut notes) {
            Ok(val) => format!("{val:?}"),
            Err(unresolved) => format!("unresolved: {unresolved}"),
        };
        let notes: String = notes.iter().map(|n| format!("\nnote: {n}")).collect();
        expected.assert_eq(&format!("{shown}{notes}"));
    }

    #[test]
    fn literals_and_escapes() {
        check("plain", None, expect![[r#"Str("plain")"#]]);
        check("[[not an expression]", None, expect![[r#"Str("[not an expression]")"#]]);
        check("['it''s']", None, expect![[r#"Str("it's")"#]]);
        check("[42]", None, expect!["Int(42)"]);
        check("[ 'spaced' ]", None, expect![[r#"Str("spaced")"#]]);
    }

    #[test]
    fn string_functions() {
        check("[format('{0}/{1}', 'nsg', 'rule')]", None, expect![[r#"Str("nsg/rule")"#]]);
        check("[format('{{literal}} {0}', 7)]", None, expect![[r#"Str("{literal} 7")"#]]);
        check("[concat('a', 'b', 'c')]", None, expect![[r#"Str("abc")"#]]);
        check(
            "[concat(parameters('prefixes'), createArray('x'))]",
            None,
            expect![
                "unresolved: `[concat(parameters('prefixes'), createArray('x'))]` is not evaluated: the function `createArray()` is not evaluated"
            ],
        );
        check("[toLower(toUpper('MiXed'))]", None, expect![[r#"Str("mixed")"#]]);
        check("[TOUPPER(concat('ab', toLower('CD')))]", None, expect![[r#"Str("ABCD")"#]]);
        check(
            "[resourceId('Microsoft.Network/networkSecurityGroups', parameters('nsgName'))]",
            None,
            expect![[r#"Str("nsg-training")"#]],
        );
    }

    #[test]
    fn parameters_and_variables() {
        check("[parameters('given')]", None, expect![[r#"Str("from-cli")"#]]);
        check("[parameters('prefixes')]", None, expect![[r#"Array([Str("10.0.0.0/24"), Str("10.1.0.0/24")])"#]]);
        check(
            "[variables('tag')]",
            Some("westeurope"),
            expect![[r#"
                Str("Storage.westeurope")
                note: the parameter `location` was taken to be the region being checked, westeurope."#]],
        );
        check(
            "[resourceGroup().location]",
            None,
            expect![[r#"
                Str("<region>")
                note: `resourceGroup().location` stands for the workspace's region, written `<region>`: give --region"#]],
        );
        check(
            "[variables('a')]",
            None,
            expect!["unresolved: `[variables('a')]` is not evaluated: `variables('a')` refers to itself"],
        );
        check(
            "[parameters('loop')]",
            None,
            expect!["unresolved: `[parameters('loop')]` is not evaluated: `parameters('loop')` refers to itself"],
        );
        check(
            "[parameters('noDefault')]",
            None,
            expect![
                "unresolved: `[parameters('noDefault')]` is not evaluated: parameter 'noDefault' has no value: give it with --param noDefault=VALUE"
            ],
        );
        check(
            "[length(variables('double0'))]",
            None,
            expect![
                "unresolved: `[length(variables('double0'))]` is not evaluated: the function `length()` is not evaluated"
            ],
        );
    }

    #[test]
    fn unsupported_shapes_are_unresolved() {
        check(
            "[reference('x').foo]",
            None,
            expect!["unresolved: `[reference('x').foo]` is not evaluated: the function `reference()` is not evaluated"],
        );
        check(
            "[resourceGroup().name]",
            None,
            expect![
                "unresolved: `[resourceGroup().name]` is not evaluated: of `resourceGroup()`, only `.location` is evaluated"
            ],
        );
        check(
            "[parameters('prefixes')[0]]",
            None,
            expect![
                "unresolved: `[parameters('prefixes')[0]]` is not evaluated: indexing (`[...]` after a value) is not evaluated"
            ],
        );
        check(
            "[format('{0:N2}', 3)]",
            None,
            expect!["unresolved: `[format('{0:N2}', 3)]` is not evaluated: `{0:N2}` in `format()` is not evaluated"],
        );
        check(
            "[concat('open]",
            None,
            expect!["unresolved: `[concat('open]` is not evaluated: a string literal is not closed"],
        );
        check(
            "[concat('a' 'b')]",
            None,
            expect![
                "unresolved: `[concat('a' 'b')]` is not evaluated: expected `,` or `)` in the arguments of `concat`"
            ],
        );
        check(
            "[99999999999999999999]",
            None,
            expect!["unresolved: `[99999999999999999999]` is not evaluated: `99999999999999999999` is not an integer"],
        );
    }

    #[test]
    fn long_chains_of_variables_stop() {
        let variables: serde_json::Map<String, Value> =
            (0..300).map(|i| (format!("v{i}"), Value::String(format!("[toLower(variables('v{}'))]", i + 1)))).collect();
        let template = json!({ "variables": variables });
        let scope = Scope::template(&template, Vec::new(), None);
        let result = evaluate("[variables('v0')]", &scope, &mut Vec::new());
        let reason = result.unwrap_err().reason;
        assert!(reason.contains("too deeply"), "{reason}");
        let doubling: serde_json::Map<String, Value> = (0..40)
            .map(|i| (format!("d{i}"), Value::String(format!("[concat(variables('d{0}'), variables('d{0}'))]", i + 1))))
            .chain([("d40".to_string(), Value::String("x".repeat(1000)))])
            .collect();
        let scope = Scope::template(&json!({ "variables": doubling }), Vec::new(), None);
        assert!(evaluate("[variables('d0')]", &scope, &mut Vec::new()).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("[{}'x'{}]", "toLower(".repeat(200), ")".repeat(200));
        let mut notes = Vec::new();
        let result = evaluate(&deep, &scope(None), &mut notes);
        assert_eq!(result.unwrap_err().reason, "the expression is nested too deeply");
    }
}
