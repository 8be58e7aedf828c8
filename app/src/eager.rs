//! [`Eager`]: a view whose async hydration is its sync one, so that its own is never compiled.
//!
//! Why: `AnyView` (what `into_any()` makes, and what the router makes of every page) keeps a
//! pointer to its view's `hydrate_async`, the async twin of hydration that only
//! `hydrate_lazy()` runs. So every type-erased view compiles twice for the browser, once per kind
//! of hydration, though this app hydrates with `hydrate_body()` and never runs the async one.
//! Measured on the split release build: the first page's wasm 236.1 → 214.1 KB (brotli), the
//! signed-in cards' chunk 34.7 → 24.9 KB. So every page is `Eager`, and the demo
//! type-erases with [`IntoEagerAny::into_eager_any`], never `into_any()`.
//!
//! Correct for any view without lazy routes inside: the demo's `#[lazy]` functions load their
//! code in a `Suspense`, after hydration, not while hydrating.
//!
//! Leptos 0.9 compiles `hydrate_async` only with its new `lazy` feature (leptos-rs/leptos#4438,
//! not in 0.8): with that version this file can go.

use leptos::prelude::*;
use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::{add_attr::AddAnyAttr, Position, PositionState, Render, RenderHtml};

/// A view hydrated synchronously in both kinds of hydration.
pub struct Eager<T>(pub T);

/// [`IntoAny::into_any`] without the async hydration: how the demo type-erases its views.
pub trait IntoEagerAny {
    /// The view, type-erased, hydrated synchronously in both kinds of hydration.
    fn into_eager_any(self) -> AnyView;
}

impl<T: IntoView + 'static> IntoEagerAny for T {
    fn into_eager_any(self) -> AnyView {
        #[allow(clippy::disallowed_methods)] // The one place: what the rule asks for.
        Eager(self).into_any()
    }
}

impl<T: Render> Render for Eager<T> {
    type State = T::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<T: RenderHtml> RenderHtml for Eager<T> {
    type AsyncOutput = Eager<T::AsyncOutput>;
    type Owned = Eager<T::Owned>;

    const MIN_LENGTH: usize = T::MIN_LENGTH;
    const EXISTS: bool = T::EXISTS;

    async fn resolve(self) -> Self::AsyncOutput {
        Eager(self.0.resolve().await)
    }

    fn dry_resolve(&mut self) {
        self.0.dry_resolve();
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        );
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` is left to `RenderHtml`'s default: `hydrate::<true>`.

    fn into_owned(self) -> Self::Owned {
        Eager(self.0.into_owned())
    }
}

impl<T: AddAnyAttr> AddAnyAttr for Eager<T> {
    type Output<SomeNewAttr: Attribute> = Eager<T::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        Eager(self.0.add_any_attr(attr))
    }
}
