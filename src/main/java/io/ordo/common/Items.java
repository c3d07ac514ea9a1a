package io.ordo.common;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A list response: {@code {"items": [...]}}, an object so that paging members can be added without a break. */
@RegisterForReflection
public record Items<T>(List<T> items) {
}
