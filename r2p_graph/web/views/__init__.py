"""Views per page type: each turns a resource's data (and a few queries) into what its
template shows. :func:`.resource.build_page` picks the sections by the resource's type.
"""
