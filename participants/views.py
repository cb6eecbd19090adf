from django.shortcuts import render


def activate(request):
    return render(request, "participants/activate.html")
