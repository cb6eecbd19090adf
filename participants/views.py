from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def activate(request):
    return render(request, "participants/activate.html")


@login_required
def dashboard(request):
    return render(request, "participants/dashboard.html")
