"""Routes of the notes pages. Every note is looked up together with its owner, the
current user, so an id belonging to someone else answers 404 exactly like a missing one.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models.note import Note, create_note, delete_note, notes_of, owned_note, update_note
from . import bp
from .forms import DeleteForm, NoteForm


@bp.after_request
def _never_cache(response):
    # Private content must not stay in a shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@login_required
def index():
    return render_template("notes/index.html", notes=notes_of(current_user.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = NoteForm()
    if not form.validate_on_submit():
        return _form_page(form, None)
    note = create_note(current_user.id, form.title.data, form.body.data or "")
    return redirect(url_for("notes.view", note_id=note.id))


@bp.get("/<id:note_id>")
@login_required
def view(note_id: int):
    return render_template("notes/view.html", note=_own(note_id), form=DeleteForm())


@bp.route("/<id:note_id>/edit", methods=["GET", "POST"])
@login_required
def edit(note_id: int):
    note = _own(note_id)
    form = NoteForm(obj=note)
    if not form.validate_on_submit():
        return _form_page(form, note)
    update_note(note, form.title.data, form.body.data or "")
    return redirect(url_for("notes.view", note_id=note.id))


@bp.post("/<id:note_id>/delete")
@login_required
def delete(note_id: int):
    note = _own(note_id)
    delete_note(note)
    return redirect(url_for("notes.index"))


def _own(note_id: int) -> Note:
    note = owned_note(note_id, current_user.id)
    if note is None:
        # 404, not 403: a 403 would confirm that the id exists.
        abort(404)
    return note


def _form_page(form: NoteForm, note: Note | None):
    status = 400 if request.method == "POST" else 200
    return render_template("notes/form.html", form=form, note=note), status
